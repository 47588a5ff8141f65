// Command fakeosm runs the fake Service Ticket API on a loopback port, for
// trying the provider by hand:
//
//	go run ./internal/cmd/fakeosm -token demo -ticket CS-1=3 -ticket CS-2=1
//
// It prints the shell line that points the provider at it. With
// -background it starts the fake as a separate process, prints that line
// (plus FAKEOSM_PID) and exits, so that one shell can run it and the plans:
//
//	eval "$(go run ./internal/cmd/fakeosm -background -ticket CS-1=3)"
//	kill "$FAKEOSM_PID"
//
// It also accepts AK/SK-signed requests (-access-key AK:SK) and serves an
// IAM password login at <URL>/v3/auth/tokens (-user DOMAIN/USER:PASSWORD).
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

// list collects a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	token := flag.String("token", "demo-token", "X-Auth-Token value to accept")
	latency := flag.Duration("latency", 0, "delay added to every answer")
	ts := tickets{}
	flag.Var(ts, "ticket", "a ticket as CASE_ID=STATUS (repeatable)")
	var keys, users list
	flag.Var(&keys, "access-key", "an access key pair to accept signatures from, as AK:SK (repeatable)")
	flag.Var(&users, "user", "an IAM user for the password login, as DOMAIN/USER:PASSWORD (repeatable)")
	background := flag.Bool("background", false, "start the fake as a separate process, print the shell exports "+
		"(HW_OSM_ENDPOINT, HW_AUTH_TOKEN, FAKEOSM_PID) for eval, and exit")
	flag.Parse()
	if *background {
		if err := runBackground(*addr, *token); err != nil {
			fmt.Fprintln(os.Stderr, "fakeosm:", err)
			os.Exit(1)
		}
		return
	}

	f := fakeosm.New(*token)
	for id, s := range ts {
		f.SetStatus(id, s)
	}
	f.SetLatency(*latency)
	for _, k := range keys {
		ak, sk, ok := strings.Cut(k, ":")
		if !ok || ak == "" || sk == "" {
			fmt.Fprintf(os.Stderr, "fakeosm: -access-key wants AK:SK\n")
			os.Exit(2)
		}
		f.AddAccessKey(fakeosm.AccessKey{ID: ak, Secret: sk})
	}
	for _, u := range users {
		who, password, ok1 := strings.Cut(u, ":")
		domain, name, ok2 := strings.Cut(who, "/")
		if !ok1 || !ok2 || domain == "" || name == "" || password == "" {
			fmt.Fprintf(os.Stderr, "fakeosm: -user wants DOMAIN/USER:PASSWORD\n")
			os.Exit(2)
		}
		f.AddUser(domain, name, password)
	}
	r, err := fakeosm.Listen(f, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeosm:", err)
		os.Exit(1)
	}
	fmt.Printf("fake Service Ticket API on %s (%d tickets, latency %s); stop it with Ctrl-C\n", r.URL, len(ts), *latency)
	fmt.Println(exports(r.URL, *token))
	if len(users) > 0 {
		fmt.Printf("password login: export HW_AUTH_URL=%s/v3 HW_DOMAIN_NAME=... HW_USER_NAME=... HW_USER_PASSWORD=...\n", r.URL)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	_ = r.Close()
	time.Sleep(10 * time.Millisecond)
}
