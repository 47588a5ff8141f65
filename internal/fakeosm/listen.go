package fakeosm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a fake served on a loopback port outside of a test.
type Running struct {
	*Server
	URL string
	srv *http.Server
}

// Listen serves s on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port).
func Listen(s *Server, addr string) (*Running, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("the fake service only listens on loopback addresses, not %q", host)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Running{Server: s, URL: "http://" + l.Addr().String(), srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := r.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("fakeosm: %v\n", err)
		}
	}()
	return r, nil
}

// Close stops the server.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.srv.Shutdown(ctx)
}

// Silent is a host that accepts connections on a free loopback port and
// never answers: an IAM or API host that hangs.
type Silent struct {
	Addr string // host:port
	ln   net.Listener
	done chan struct{}
	mu   sync.Mutex
	held []net.Conn
}

// ListenSilent starts a Silent host on 127.0.0.1.
func ListenSilent() (*Silent, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Silent{Addr: ln.Addr().String(), ln: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.held = append(s.held, c) // held open, never answered
			s.mu.Unlock()
		}
	}()
	return s, nil
}

// Close stops listening and closes every connection it held.
func (s *Silent) Close() {
	_ = s.ln.Close()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.held {
		_ = c.Close()
	}
}
