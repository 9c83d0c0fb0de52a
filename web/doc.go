// Package web is the HTTP side: health and metrics, the agents' console,
// the requester portal, the help centre, the web chat and the REST API.
package web
