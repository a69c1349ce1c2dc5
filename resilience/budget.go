package resilience

import (
	"sync"
	"time"
)

// budget is the retry budget of one service (Finagle's, as Linkerd and tower use it): every
// request deposits, every retry withdraws, and a retry is allowed while the retries of the
// last TTL stay within Ratio × the requests of the last TTL plus MinPerSecond × TTL. The
// reserve lets a quiet service retry; the ratio bounds the extra load retries add to a busy
// one that is failing, so retries cannot multiply an overload.
type budget struct {
	mu      sync.Mutex
	ratio   float64
	reserve float64
	ttl     time.Duration
	slots   [10]budgetSlot
}

// budgetSlot holds the requests and retries of one tenth of the TTL.
type budgetSlot struct {
	id                    int64 // which tenth of the TTL since epoch
	deposits, withdrawals int64
}

func newBudget(cfg RetryConfig) *budget {
	return &budget{ratio: cfg.BudgetRatio, reserve: cfg.BudgetMinPerSecond * cfg.BudgetTTL.Seconds(), ttl: cfg.BudgetTTL}
}

func (b *budget) deposit(now time.Time) {
	b.mu.Lock()
	b.slot(now).deposits++
	b.mu.Unlock()
}

// withdraw takes one retry from the budget if there is one left.
func (b *budget) withdraw(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := b.slot(now)
	var deposits, withdrawals int64
	for _, s := range b.slots {
		if s.id > cur.id-10 {
			deposits += s.deposits
			withdrawals += s.withdrawals
		}
	}
	if float64(withdrawals+1) > b.reserve+b.ratio*float64(deposits) {
		return false
	}
	cur.withdrawals++
	return true
}

// refund gives back a withdrawal whose retry did not happen.
func (b *budget) refund(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.slot(now); cur.withdrawals > 0 {
		cur.withdrawals--
	}
}

// slot returns the slot of now, emptied if it held an expired slice.
func (b *budget) slot(now time.Time) *budgetSlot {
	id := sliceOf(now, b.ttl)
	s := &b.slots[id%10]
	if s.id != id {
		s.id, s.deposits, s.withdrawals = id, 0, 0
	}
	return s
}
