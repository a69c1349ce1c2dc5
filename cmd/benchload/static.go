package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// staticCommand is the hidden subcommand that runs the trivial server: the
// harness starts itself with it, pinned where the gateway runs, so that the
// ceiling row is measured exactly like a gateway.
const staticCommand = "static-server"

// staticMain serves the bytes of --body to every request on --listen until
// SIGTERM: a gateway with nothing to do, the ceiling of the harness.
func staticMain(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet(staticCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("body", "", "file holding the response body")
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", staticCommand, err)
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", staticCommand, err)
		return 1
	}
	srv := &http.Server{Handler: staticHandler(body), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		fmt.Fprintf(stderr, "%s: %v\n", staticCommand, err)
		return 1
	}
	return 0
}

// staticHandler reads each request whole, as a gateway must, and answers body.
func staticHandler(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}
