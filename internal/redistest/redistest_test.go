package redistest

import (
	"testing"
	"time"
)

func TestStartAnswersPing(t *testing.T) {
	s := Start(t)
	got, err := s.Do("PING")
	if err != nil || got != "PONG" {
		t.Fatalf("PING = %q, %v; want PONG", got, err)
	}
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Int("DBSIZE"); err != nil || n != 1 {
		t.Fatalf("DBSIZE = %d, %v; want 1", n, err)
	}
}

func TestStopThenRestartIsEmpty(t *testing.T) {
	s := Start(t)
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if _, err := s.Do("PING"); err == nil {
		t.Fatal("PING after Stop succeeded; want a connection error")
	}
	s.Restart()
	if n, err := s.Int("DBSIZE"); err != nil || n != 0 {
		t.Fatalf("DBSIZE after restart = %d, %v; want 0 (no persistence)", n, err)
	}
}

func TestPauseDelaysReplies(t *testing.T) {
	s := Start(t)
	const pause = 300 * time.Millisecond
	s.Pause(pause)
	start := time.Now()
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < pause/2 {
		t.Fatalf("SET during a %v pause answered after %v; want it held", pause, took)
	}
}

func TestCleanupKillsServer(t *testing.T) {
	var addr string
	t.Run("inner", func(t *testing.T) {
		addr = Start(t).Addr
	})
	s := &Server{Addr: addr}
	if _, err := s.Do("PING"); err == nil {
		t.Fatalf("server at %s still answers after its test ended", addr)
	}
}
