package graphqlhttp

import (
	"reflect"
	"testing"
)

// fastCases are bodies the fast path takes, or gives up on, at every place it can.
var fastCases = []struct {
	body string
	fast bool // the fast path decodes it
}{
	{`{"query":"{a}"}`, true},
	{` { "query" : "{a}" , "operationName" : null } `, true},
	{"{\"query\":\"query Q {\\n  a\\n}\\n\",\"operationName\":\"Q\"}", true}, // escapes in a value
	{`{"query":"{a}","variables":{"n":1.5e3,"s":"x","l":[1,null,true]},"extensions":{"persistedQuery":{"version":1}}}`, true},
	{`{"query":"{a}","variables":null,"operationName":null,"extensions":null}`, true},
	{`{}`, true},
	{`{"query":1,"variables":[7]}`, true},
	{`{"query":"é","operationName":"\u00e9"}`, true},
	{`{"query":"\ud800"}`, true},
	{`{"query":"\ud83d\ude00 \uD83D\uDE00 \ud800\u0041 \udc00x \ud800\ud800\udc00"}`, true}, // pairs, halves
	{`{"query":"\"\\\/\b\f\n\r\t"}`, true},
	{`{"query":"\x"}`, false},
	{`{"query":"\u12"}`, false},
	{`{"query":"\ud800\uzzzz"}`, false},
	{`{"query":null}`, true},
	{`{"extensions":{"persistedQuery":{"sha256Hash":"abc"}}}`, true},
	{"{\"query\":\"\xff\"}", true},        // invalid UTF-8 in a value: encoding/json decodes it
	{"{\"qu\xffery\":\"{a}\"}", false},    // invalid UTF-8 in a key
	{`{"qu\u0065ry":"{a}"}`, false},       // an escape in a key
	{`{"query":"{a}","other":{}}`, false}, // an unknown key
	{`{"query":"{a}","query":"{b}"}`, false},
	{`{"query":"{a}"} x`, false},
	{`{"query":"{a}",}`, false},
	{`{"query":"{a}"`, false},
	{`{"query":`, false},
	{`{"query":"a` + "\n" + `"}`, false}, // a control character
	{`{"query":nul}`, false},
	{`{"query":"{a}","variables":{"n":}}`, false},
	{`[{"query":"{a}"}]`, false},
	{`"query"`, false},
	{``, false},
	{`NONSENSE`, false},
}

// TestFastParamsAgreesWithTokens: on every body, decodeBody (the fast path, else tokens)
// answers what decoding token by token alone answers, and the fast path takes the bodies it
// should.
func TestFastParamsAgreesWithTokens(t *testing.T) {
	for _, c := range fastCases {
		if _, fast := fastParams([]byte(c.body)); fast != c.fast {
			t.Errorf("%q: fast path %v, want %v", c.body, fast, c.fast)
		}
		agree(t, []byte(c.body))
	}
}

func FuzzFastParams(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(agree)
}

func agree(t *testing.T, body []byte) {
	t.Helper()
	req, err := decodeBody(body)
	wantReq, wantErr := decodeTokens(body)
	if !reflect.DeepEqual(req, wantReq) || !reflect.DeepEqual(err, wantErr) {
		t.Errorf("%q: decodeBody = %+v, %v; decodeTokens = %+v, %v", body, req, err, wantReq, wantErr)
	}
}
