package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// do sends one command in RESP and reads the first line of the reply. It speaks the protocol
// itself so that this package needs no client library and can talk to a server that a client
// library would be busy reconnecting to.
func do(ctx context.Context, addr string, args ...string) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply")
	}
	switch line[0] {
	case '-':
		return "", fmt.Errorf("redis: %s", line[1:])
	case '+', ':':
		return line[1:], nil
	}
	return line, nil
}

// Int sends one command whose reply is an integer, such as DBSIZE, and returns it.
func (s *Server) Int(args ...string) (int64, error) {
	reply, err := s.Do(args...)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(reply, 10, 64)
}
