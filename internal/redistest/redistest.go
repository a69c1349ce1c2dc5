// Package redistest runs a real redis-server for tests: on 127.0.0.1, on a free port, without
// persistence, in a temporary directory, stopped when the test ends.
//
// Tests that need Redis call Start. When redis-server is not on PATH the test is skipped, unless
// the environment variable CI is set: CI must install Redis, so there the test fails instead.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startTimeout bounds how long Start and Restart wait for the server to answer PING.
const startTimeout = 10 * time.Second

// Server is a redis-server process owned by one test. Its methods may be called from any
// goroutine.
type Server struct {
	// URL is the address to give a client, such as redis://127.0.0.1:40123/0.
	URL string
	// Addr is host:port.
	Addr string

	t    testing.TB
	bin  string
	dir  string
	port int

	mu     sync.Mutex
	proc   *os.Process
	exited chan error // receives once when proc exits
}

// Start runs redis-server and returns once it answers PING. The server is killed at
// t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redistest: redis-server is not on PATH and CI is set: install Redis in the CI image (apt-get install redis-server)")
		}
		t.Skipf("redistest: redis-server is not on PATH; install Redis (apt-get install redis-server) to run this test")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(s.Stop)
	// A free port can be taken between finding it and redis-server binding it; try a few.
	for attempt := 0; ; attempt++ {
		s.port = freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		s.URL = "redis://" + s.Addr + "/0"
		err := s.start()
		if err == nil {
			return s
		}
		if attempt == 2 {
			t.Fatalf("redistest: %v", err)
		}
	}
}

// Stop kills the server, as a crash would, and waits for it to exit. Stopping a stopped server
// does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	_ = s.proc.Kill()
	<-s.exited
	s.proc, s.exited = nil, nil
}

// Restart starts a stopped server again on the same port, empty, and waits until it answers
// PING.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// Pause makes the server hold every client's commands for d (CLIENT PAUSE ALL) and returns
// at once: connections still open, commands are accepted but answered only after d, which is
// what a Redis too busy to answer looks like.
func (s *Server) Pause(d time.Duration) {
	s.t.Helper()
	ms := strconv.FormatInt(d.Milliseconds(), 10)
	if _, err := s.Do("CLIENT", "PAUSE", ms, "ALL"); err != nil {
		s.t.Fatalf("redistest: pause: %v", err)
	}
}

// Do sends one command on a new connection and returns the first line of the reply, without
// its type prefix: "PONG" for PING, "2" for an integer 2. A Redis error reply is returned as
// an error. Replies of more than one line (arrays, bulk strings) are not decoded.
func (s *Server) Do(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return do(ctx, s.Addr, args...)
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--logfile", "", // to stdout, discarded below
	)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server on port %d exited before answering PING: %v", s.port, err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		reply, err := do(ctx, s.Addr, "PING")
		cancel()
		if err == nil && reply == "PONG" {
			s.mu.Lock()
			s.proc, s.exited = cmd.Process, exited
			s.mu.Unlock()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redis-server on port %d did not answer PING within %v", s.port, startTimeout)
}

// freePort asks the kernel for a port nobody listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
