package executor_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/executor/ratelimit"
	"github.com/trellis-gql/trellis/internal/redistest"
)

// { topProducts { name } } costs 10 by estimate (a list of the default size 10 of objects of
// weight 1, scalars 0) and 2 in fact (the subgraph returns two products).
const tenPoints = `{"query":"{ topProducts { name } }"}`

func TestCostMeasureReportsEstimateAndActual(t *testing.T) {
	gw, _ := caseGateway(t, func(cfg *executor.Config) { cfg.Cost.Mode = cost.ModeMeasure; cfg.Cost.MaxCost = 5 })
	status, _, body := send(gw, tenPoints)
	if status != 200 || !strings.Contains(body, `"extensions":{"cost":{"estimated":10,"actual":2}}`) || !strings.Contains(body, "Table") {
		t.Fatalf("%d %s", status, body)
	}
}

func TestCostEnforceRefusesBeforeAnyFetch(t *testing.T) {
	gw, c := caseGateway(t, func(cfg *executor.Config) { cfg.Cost.Mode = cost.ModeEnforce; cfg.Cost.MaxCost = 9 })
	status, _, body := send(gw, tenPoints, "Accept", "application/graphql-response+json")
	if status != 400 || !strings.Contains(body, `"code":"COST_ESTIMATED_TOO_EXPENSIVE"`) ||
		!strings.Contains(body, `"cost.estimated":10`) || !strings.Contains(body, `"cost.max":9`) || strings.Contains(body, `"data"`) {
		t.Fatalf("%d %s", status, body)
	}
	if n := c.totalRequests(); n != 0 {
		t.Fatalf("%d subgraph requests for a refused operation", n)
	}
	// Denied fields cost nothing: the authorization runs first.
	if status, _, body := send(gw, `{"query":"{ topProducts { name } me { name } }"}`); status != 400 {
		t.Fatalf("%d %s", status, body)
	}
	if status, _, body := send(gw, `{"query":"{ me { name reviews { body } } }"}`); status != 200 || !strings.Contains(body, `"estimated":0`) {
		t.Fatalf("denied subtree should cost 0: %d %s", status, body)
	}
}

func TestRateLimitByCost(t *testing.T) {
	gw, c := caseGateway(t, func(cfg *executor.Config) {
		cfg.RateLimit.Enabled = true
		cfg.RateLimit.Budgets.Limit = 25
		cfg.RateLimit.Budgets.Window = time.Hour
		cfg.RateLimit.Budgets.Overrides = map[string]ratelimit.Budget{"key:vip": {Limit: 1000, Window: time.Hour}}
		cfg.RateLimit.APIKeys = []string{"vip", "other", "fresh"}
	})
	for i, wantRemaining := range []string{"15", "5"} {
		status, h, body := send(gw, tenPoints)
		if status != 200 || h.Get("RateLimit-Limit") != "25" || h.Get("RateLimit-Remaining") != wantRemaining {
			t.Fatalf("request %d: %d %v %s", i, status, h, body)
		}
	}
	before := c.totalRequests()
	status, h, body := send(gw, tenPoints)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || h.Get("RateLimit-Remaining") != "5" ||
		!strings.Contains(body, "REQUEST_RATE_LIMITED") || strings.Contains(body, `"data"`) {
		t.Fatalf("over budget: %d %v %s", status, h, body)
	}
	if c.totalRequests() != before {
		t.Fatal("a rate-limited operation reached a subgraph")
	}
	// A request refused before the limiter spends nothing but still says what is left.
	if status, h, _ := send(gw, `{"query":"{ nope }"}`); status == 200 || h.Get("RateLimit-Remaining") != "5" {
		t.Fatalf("invalid query: %d %v", status, h)
	}
	// An invented API key identifies nobody: the caller is its address, whose budget is spent.
	if status, _, _ := send(gw, tenPoints, "X-API-Key", "invented"); status != http.StatusTooManyRequests {
		t.Fatalf("an unknown API key got a fresh budget: %d", status)
	}
	// An operation the cost rules price at 0 still spends the minimum of 1.
	if status, h, body := send(gw, `{"query":"{ __typename }"}`); status != 200 || h.Get("RateLimit-Remaining") != "4" {
		t.Fatalf("zero-cost operation: %d %v %s", status, h, body)
	}
	// Another client has its own budget; an override raises it.
	if status, h, _ := send(gw, tenPoints, "X-API-Key", "vip"); status != 200 || h.Get("RateLimit-Limit") != "1000" {
		t.Fatalf("vip: %d %v", status, h)
	}
	if status, h, _ := send(gw, tenPoints, "X-API-Key", "other"); status != 200 || h.Get("RateLimit-Limit") != "25" {
		t.Fatalf("other key: %d %v", status, h)
	}
	// An operation that costs more than the whole budget can never run.
	big := `{"query":"{ topProducts { name } a: topProducts { name } b: topProducts { name } }"}`
	status, h, body = send(gw, big, "X-API-Key", "fresh")
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "" || !strings.Contains(body, "can never run") {
		t.Fatalf("never: %d %v %s", status, h, body)
	}
}

func TestRateLimitSubjectKey(t *testing.T) {
	is := newIssuer(t)
	gw, _ := caseGateway(t, func(cfg *executor.Config) {
		cfg.Auth = is.authConfig()
		cfg.RateLimit.Enabled = true
		cfg.RateLimit.Budgets.Limit = 10
		cfg.RateLimit.Budgets.Window = time.Hour
	})
	alice := "Bearer " + is.token(t, `{"sub": "alice"}`)
	bob := "Bearer " + is.token(t, `{"sub": "bob"}`)
	if status, _, _ := send(gw, tenPoints, "Authorization", alice); status != 200 {
		t.Fatal("alice's first request refused")
	}
	if status, _, _ := send(gw, tenPoints, "Authorization", alice, "X-API-Key", "other"); status != 429 {
		t.Fatal("alice is keyed by subject before API key: her budget is spent")
	}
	if status, _, _ := send(gw, tenPoints, "Authorization", bob); status != 200 {
		t.Fatal("bob shares alice's budget")
	}
}

func TestRateLimitConfigErrors(t *testing.T) {
	cfg := executor.DefaultConfig()
	cfg.RateLimit.Enabled = true
	cfg.RateLimit.ClientKey = []string{"cookie"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `rate_limit.client_key[0]: "cookie"`) {
		t.Fatalf("Validate = %v", err)
	}
	cfg = executor.DefaultConfig()
	cfg.RateLimit.Enabled = true
	cfg.RateLimit.Budgets.Overrides = map[string]ratelimit.Budget{"alice": {Limit: 1, Window: time.Second}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `rate_limit.overrides["alice"]: name the client as sub:SUBJECT`) {
		t.Fatalf("Validate = %v", err)
	}
	cfg = executor.DefaultConfig()
	cfg.Cost.Mode = "strict"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `cost.mode: "strict"`) {
		t.Fatalf("Validate = %v", err)
	}
}

// TestRateLimitSharedByTwoGateways: two gateways on one Redis admit, together, the budget of
// one client: 200 points per second (20 operations of 10 points), plus the initial burst.
func TestRateLimitSharedByTwoGateways(t *testing.T) {
	srv := redistest.Start(t)
	set := func(cfg *executor.Config) {
		cfg.RateLimit.Enabled = true
		cfg.RateLimit.Budgets.Limit = 200
		cfg.RateLimit.Budgets.Window = time.Second
		cfg.RateLimit.Budgets.Redis.URL = srv.URL
		cfg.RateLimit.Budgets.Redis.Timeout = time.Second // a loaded CI machine must not fall back
	}
	gwA, _ := caseGateway(t, set)
	gwB, _ := caseGateway(t, set)
	var admitted, refused atomic.Int64
	start := time.Now()
	deadline := start.Add(3 * time.Second)
	var wg sync.WaitGroup
	for _, gw := range []http.Handler{gwA, gwB, gwA, gwB} {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				switch status, _, _ := send(gw, tenPoints, "X-API-Key", "shared"); status {
				case 200:
					admitted.Add(1)
				case 429:
					refused.Add(1)
				default:
					t.Errorf("status %d", status)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	want := (200 + 200*elapsed) / 10 // the full budget at once, then the refill
	got := float64(admitted.Load())
	t.Logf("admitted %v operations in %.2fs (want %.1f), refused %d", got, elapsed, want, refused.Load())
	if got < want*0.95 || got > want*1.05 {
		t.Fatalf("admitted %v operations, want %.1f ± 5%%", got, want)
	}
	if refused.Load() == 0 {
		t.Fatal("nothing was refused: the load did not reach the budget")
	}
}
