// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Server is an Emulator listening on a real TCP socket.
type Server struct {
	URL      string // e.g. http://127.0.0.1:4321, no trailing slash
	Emulator *Emulator

	srv  *http.Server
	done chan struct{}
}

// Start serves a new emulator on a free port of 127.0.0.1.
func Start(cfg Config) (*Server, error) {
	return StartAt("127.0.0.1:0", cfg)
}

// StartAt serves a new emulator on addr ("host:port"; port 0 picks a free
// port). It returns once the socket is listening, so URL is usable at once.
func StartAt(addr string, cfg Config) (*Server, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	e := New(cfg)
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		Emulator: e,
		srv: &http.Server{
			Handler:           e,
			ReadHeaderTimeout: 10 * time.Second,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		// Serve returns ErrServerClosed on Close/Shutdown; any other
		// error means a broken listener, which clients notice on their own.
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// HostURL is what the provider's host_url is set to: dbt's provider keeps
// host_url = "https://cloud.getdbt.com/api" and appends "/v3/...".
func (s *Server) HostURL() string { return s.URL + "/api" }

// Close stops the server, closing open connections, and waits for it.
func (s *Server) Close() {
	_ = s.srv.Close()
	<-s.done
}

// Shutdown stops accepting connections and waits for in-flight requests,
// for a graceful exit on SIGTERM.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
