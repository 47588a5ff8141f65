// Command fakeosm runs the fake Service Ticket API on a loopback port, for
// trying the provider by hand:
//
//	go run ./internal/cmd/fakeosm -token demo -ticket CS-1=3 -ticket CS-2=1
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
	flag.Parse()

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
	fmt.Printf("fake Service Ticket API on %s (%d tickets, latency %s)\n", r.URL, len(ts), *latency)
	fmt.Printf("export HW_OSM_ENDPOINT=%s HW_AUTH_TOKEN=<the -token value>\n", r.URL)
	if len(users) > 0 {
		fmt.Printf("password login: export HW_AUTH_URL=%s/v3 HW_DOMAIN_NAME=... HW_USER_NAME=... HW_USER_PASSWORD=...\n", r.URL)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	_ = r.Close()
	time.Sleep(10 * time.Millisecond)
}
