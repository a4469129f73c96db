import json,sys
rows=json.load(open(sys.argv[1]))
exs=sys.argv[2:] or ['pdftotext','pdftotext_line','evince','pdfjs']
def esc(s):
    if s is None: return None
    return "".join(c if c not in "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" else "\\u%04X" % ord(c) for c in s)
for ex in exs:
    print('=====',ex)
    seen=set()
    for r in rows:
        v=r[ex+'_v']
        if v in ('exact','exact-but-marks','ok-nfkc','zwnj-lost','ws-only'): continue
        k=(r['logical'],v)
        if k in seen: continue
        seen.add(k)
        n=sum(1 for x in rows if x['logical']==r['logical'] and x[ex+'_v']==v)
        print(f"{v} x{n}\n  want «{esc(r['logical'])}»\n  got  «{esc(r[ex])}»")
