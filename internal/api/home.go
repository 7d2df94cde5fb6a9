package api

import (
	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

func (a *API) registerHome() {
	route(a, "GET", "/home", httpx.Doc{Summary: "Your first screen, by role: a leader's state of the scope, a coordinator's work for today, a focal person's to-do",
		Tag: "home", Query: []httpx.Param{{Name: "d", Type: "string", Description: "as of this date (yyyy-mm-dd); today if absent"}}},
		func(c *Call, _ None) (*home.Home, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Home.Get(c.Ctx, c.Actor, d)
		})
}
