package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// process is a child of the harness (subgraphs, gateway, static server), in
// its own process group, its output going to a log file.
type process struct {
	name   string
	argv   []string
	log    string
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // how it exited, once exited is closed
}

// start runs argv, sending its output to logPath. The child is killed if the
// harness dies.
func start(name string, argv []string, logPath string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, argv: argv, log: logPath, cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// waitListening waits until every addr accepts connections.
func (p *process) waitListening(ctx context.Context, addrs ...string) error {
	deadline := time.Now().Add(30 * time.Second)
	for _, addr := range addrs {
		for {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				conn.Close()
				break
			}
			select {
			case <-p.exited:
				return p.failed(fmt.Errorf("exited before listening on %s: %v", addr, p.err))
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return p.failed(fmt.Errorf("not listening on %s after 30s", addr))
			}
		}
	}
	return nil
}

// failed adds the command and the end of its log to err.
func (p *process) failed(err error) error {
	out, _ := os.ReadFile(p.log)
	lines := strings.Split(string(bytes.TrimSpace(out)), "\n")
	lines = lines[max(0, len(lines)-10):]
	return fmt.Errorf("%s (%s): %w\n  %s", p.name, strings.Join(p.argv, " "), err, strings.Join(lines, "\n  "))
}

// stop sends SIGTERM to the process group it started, and SIGKILL if that has
// not ended it within 5 seconds.
func (p *process) stop() {
	pgid := p.pid() // Setpgid: the group is the child's own pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.exited
	}
}

// freeAddrs returns n loopback addresses free at the time of the call.
func freeAddrs(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, nil
}
