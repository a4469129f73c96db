// Package faultproxy is a small TCP proxy that breaks the network path on
// purpose: it cuts connections part-way through a request or an answer, or
// refuses them all, so that tests can prove the desk survives a bad line.
// Its choices come from a seeded generator, so a run can be replayed.
package faultproxy

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
)

// Stats counts what the proxy did.
type Stats struct {
	Conns   int64 // connections accepted
	Drops   int64 // connections cut part-way by the drop rate
	Refused int64 // connections closed at once while down
}

// Proxy forwards connections from its listener to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu        sync.Mutex
	rng       *rand.Rand
	dropRate  float64
	cutWithin int64 // a cut connection dies within this many bytes
	down      bool
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup

	accepted, drops, refused atomic.Int64
}

// Start listens on addr (e.g. 127.0.0.1:0) and forwards to target.
func Start(addr, target string, seed uint64) (*Proxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fault proxy: listen: %w", err)
	}
	p := &Proxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, 0x70726f7879)), conns: map[net.Conn]struct{}{}, cutWithin: 2048}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the address clients connect to.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetDropRate sets the share of new connections (0..1) that are cut after
// a random number of bytes below within (2 KB when 0), in one direction.
// A kept-alive HTTP connection carries many calls, so a larger within
// cuts calls further into its life.
func (p *Proxy) SetDropRate(r float64, within int64) {
	if within <= 0 {
		within = 2048
	}
	p.mu.Lock()
	p.dropRate, p.cutWithin = r, within
	p.mu.Unlock()
}

// SetDown makes the proxy close every new connection at once (true) or
// forward again (false). Going down also cuts the open connections.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.CutAll()
	}
}

// CutAll closes every open connection.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	return Stats{Conns: p.accepted.Load(), Drops: p.drops.Load(), Refused: p.refused.Load()}
}

// Close stops listening and cuts every connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.CutAll()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.mu.Lock()
		down := p.down
		cut, upstream, after := false, false, int64(0)
		if !down && p.rng.Float64() < p.dropRate {
			cut, upstream, after = true, p.rng.IntN(2) == 0, p.rng.Int64N(p.cutWithin)
		}
		p.mu.Unlock()
		if down {
			p.refused.Add(1)
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.serve(c, cut, upstream, after)
	}
}

func (p *Proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

// serve forwards one connection; with cut it closes both sides after
// `after` bytes in one direction (upstream: client to target).
func (p *Proxy) serve(c net.Conn, cut, upstream bool, after int64) {
	defer p.wg.Done()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.track(c, true)
	p.track(s, true)
	defer func() {
		c.Close()
		s.Close()
		p.track(c, false)
		p.track(s, false)
	}()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn, limit int64) {
		defer func() { done <- struct{}{} }()
		if limit >= 0 {
			if n, _ := io.CopyN(dst, src, limit); n == limit {
				// The cut: both ends see the line die, as on a broken network.
				p.drops.Add(1)
				dst.Close()
				src.Close()
				return
			}
		} else {
			io.Copy(dst, src)
		}
		// src finished (or failed): pass the end on, keep the other way open.
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}
	up, down := int64(-1), int64(-1)
	if cut && upstream {
		up = after
	} else if cut {
		down = after
	}
	go pipe(s, c, up)
	go pipe(c, s, down)
	<-done
	<-done
}
