package faultproxy

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// echo is a loopback server that answers each connection with what it reads.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(addr string, msg []byte) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	c.(*net.TCPConn).CloseWrite()
	return io.ReadAll(c)
}

func TestForwardsAndCuts(t *testing.T) {
	p, err := Start("127.0.0.1:0", echo(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	msg := []byte(strings.Repeat("پیشخوان ", 1000)) // ~15 KB, more than any cut point
	got, err := roundTrip(p.Addr(), msg)
	if err != nil || string(got) != string(msg) {
		t.Fatalf("clean path: %d bytes back, %v", len(got), err)
	}
	p.SetDropRate(1, 0)
	for range 20 {
		got, _ := roundTrip(p.Addr(), msg)
		if len(got) >= len(msg) {
			t.Fatalf("a cut connection delivered the whole answer (%d bytes)", len(got))
		}
	}
	if st := p.Stats(); st.Drops != 20 || st.Conns != 21 {
		t.Errorf("stats %+v, want 20 drops of 21 connections", st)
	}
	p.SetDown(true)
	if got, _ := roundTrip(p.Addr(), msg); len(got) != 0 {
		t.Errorf("down proxy answered %d bytes", len(got))
	}
	if p.Stats().Refused != 1 {
		t.Errorf("refused %d", p.Stats().Refused)
	}
	p.SetDown(false)
	p.SetDropRate(0, 0)
	if got, err := roundTrip(p.Addr(), msg); err != nil || len(got) != len(msg) {
		t.Errorf("after recovery: %d bytes, %v", len(got), err)
	}
}
