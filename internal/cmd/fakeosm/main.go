// Command fakeosm runs the fake Service Ticket API on a loopback port, for
// trying the provider by hand:
//
//	go run ./internal/cmd/fakeosm -token demo -ticket CS-1=3 -ticket CS-2=1
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

type tickets map[string]int

func (t tickets) String() string { return fmt.Sprint(map[string]int(t)) }

func (t tickets) Set(v string) error {
	id, status, ok := strings.Cut(v, "=")
	n, err := strconv.Atoi(status)
	if !ok || id == "" || err != nil {
		return fmt.Errorf("want CASE_ID=STATUS, got %q", v)
	}
	t[id] = n
	return nil
}

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	token := flag.String("token", "demo-token", "X-Auth-Token value to accept")
	latency := flag.Duration("latency", 0, "delay added to every answer")
	ts := tickets{}
	flag.Var(ts, "ticket", "a ticket as CASE_ID=STATUS (repeatable)")
	flag.Parse()

	f := fakeosm.New(*token)
	for id, s := range ts {
		f.SetStatus(id, s)
	}
	f.SetLatency(*latency)
	r, err := fakeosm.Listen(f, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeosm:", err)
		os.Exit(1)
	}
	fmt.Printf("fake Service Ticket API on %s (%d tickets, latency %s)\n", r.URL, len(ts), *latency)
	fmt.Printf("export HW_OSM_ENDPOINT=%s HW_AUTH_TOKEN=<the -token value>\n", r.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	_ = r.Close()
	time.Sleep(10 * time.Millisecond)
}
