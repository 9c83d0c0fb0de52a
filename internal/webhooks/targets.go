// SPDX-License-Identifier: EUPL-1.2

package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Outbound requests go only where allowed: a webhook URL is https and
// its host resolves to public addresses, unless the address lies in a
// network the operator listed (api.webhooks.allow_private_targets), which
// may also be reached over plain http. The URL is checked when saved, and
// every connection is checked again on the address actually dialled, so a
// name that later resolves elsewhere (DNS rebinding) is refused too.

// ErrTargetRefused: the URL's address is not one webhooks may reach.
var ErrTargetRefused = errors.New("webhook target not allowed")

// Resolver finds a host's addresses (net.DefaultResolver; a test fake).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// notPublic are special-purpose ranges beyond what netip's predicates
// name (RFC 6890 and successors): shared address space, benchmarking,
// documentation, IETF protocol assignments, reserved, NAT64.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2001::/23"),
}

// public says whether a is an ordinary Internet address.
func public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// targets is the rule: public addresses, plus the allowed networks.
type targets struct {
	allow    []netip.Prefix
	resolver Resolver
}

func (t targets) allowed(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// checkAddr refuses an address that is neither public nor allowed.
func (t targets) checkAddr(a netip.Addr) error {
	if public(a) || t.allowed(a) {
		return nil
	}
	return fmt.Errorf("%w: %s is not a public address (api.webhooks.allow_private_targets lists the networks that may be reached)", ErrTargetRefused, a.Unmap())
}

// checkURL applies the rule to a URL as it is saved: https, or http to an
// allowed network; every address the host resolves to must pass.
func (t targets) checkURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil {
		return fmt.Errorf("%w: the URL must be https://host/…", ErrInvalid)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		addrs, err = t.resolver.LookupNetIP(lctx, "ip", host)
		cancel()
		if err != nil || len(addrs) == 0 {
			return fmt.Errorf("%w: %s does not resolve: %v", ErrInvalid, host, err)
		}
	}
	for _, a := range addrs {
		if err := t.checkAddr(a); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if u.Scheme == "http" && !t.allowed(a) {
			return fmt.Errorf("%w: the URL must be https (plain http only to api.webhooks.allow_private_targets)", ErrInvalid)
		}
	}
	return nil
}

// control runs on every connection just before it is made, with the
// address really dialled.
func (t targets) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrTargetRefused, address)
	}
	return t.checkAddr(ap.Addr())
}

// dial resolves the host itself and connects only to addresses the rule
// allows; the dialer's Control checks the address again as it connects.
func (t targets) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = t.resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: t.control}
	err = fmt.Errorf("%w: %s has no address", ErrTargetRefused, host)
	for _, a := range addrs {
		if cerr := t.checkAddr(a); cerr != nil {
			err = cerr
			continue
		}
		conn, derr := dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if derr == nil {
			return conn, nil
		}
		err = derr
	}
	return nil, err
}

// client is the HTTP client of deliveries: no proxy (it would connect
// for us, elsewhere), every dialled address checked, redirects not
// followed (a 3xx is a failed delivery, not a way around the rule).
func (t targets) client() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         t.dial,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// ParseNetworks reads api.webhooks.allow_private_targets.
func ParseNetworks(cidrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, fmt.Errorf("webhook network %q: %w", c, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
