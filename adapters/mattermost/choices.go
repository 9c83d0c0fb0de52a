// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// recentWindow is how many recent posts of a conversation are read back
// to find the last question.
const recentWindow = 30

// choice maps a typed number to the action of the last numbered question
// in the conversation. The question is found on the server, not in
// memory: the bot's posts carry their choices (choicesProp), so the answer
// is the same after a restart and on any instance. Only a question that
// nobody has written after counts: a number typed later is just text.
func (a *Adapter) choice(ctx context.Context, key, currentPostID, botID string, n int) (string, bool) {
	posts, err := a.recentPosts(ctx, key)
	if err != nil {
		a.log.Warn("mattermost: cannot read the conversation back for a numbered choice", "key", key, "err", err)
		return "", false
	}
	for _, p := range posts {
		if p.Id == currentPostID {
			continue
		}
		if p.UserId != botID {
			return "", false
		}
		if choices := propChoices(p); len(choices) > 0 {
			if n > len(choices) {
				return "", false
			}
			return choices[n-1], true
		}
	}
	return "", false
}

// recentPosts returns the conversation's latest posts, newest first.
func (a *Adapter) recentPosts(ctx context.Context, key string) ([]*model.Post, error) {
	userID, _, rootID, err := parseKey(key)
	if err != nil {
		return nil, err
	}
	var list *model.PostList
	if userID != "" {
		ch, err := a.dmChannel(ctx, userID)
		if err != nil {
			return nil, err
		}
		err = a.call(ctx, "read the direct channel", func() (*model.Response, error) {
			var resp *model.Response
			list, resp, err = a.client.GetPostsForChannel(ctx, ch, 0, recentWindow, "", false, false)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
	} else {
		if list, err = a.thread(ctx, rootID); err != nil {
			return nil, err
		}
	}
	return newestFirst(list), nil
}

func (a *Adapter) thread(ctx context.Context, rootID string) (*model.PostList, error) {
	var list *model.PostList
	err := a.call(ctx, "read the thread", func() (*model.Response, error) {
		var (
			resp *model.Response
			err  error
		)
		list, resp, err = a.client.GetPostThread(ctx, rootID, "", false)
		return resp, err
	})
	return list, err
}

// newestFirst orders a post list by creation time, newest first (the
// server's order differs between channel and thread listings).
func newestFirst(list *model.PostList) []*model.Post {
	if list == nil {
		return nil
	}
	out := make([]*model.Post, 0, len(list.Posts))
	for _, p := range list.Posts {
		if p != nil {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].CreateAt != out[j].CreateAt {
			return out[i].CreateAt > out[j].CreateAt
		}
		return out[i].Id > out[j].Id
	})
	return out
}

// inThread says whether the bot has posted in a thread, so that replies
// there are answered without a new mention. Known threads are kept in
// memory; an unknown one is read from the server once.
func (a *Adapter) inThread(ctx context.Context, rootID, botID string) bool {
	a.mu.Lock()
	in, known := a.threads[rootID]
	a.mu.Unlock()
	if known {
		return in
	}
	list, err := a.thread(ctx, rootID)
	if err != nil {
		a.log.Warn("mattermost: cannot read a thread", "root_id", rootID, "err", err)
		return false
	}
	in = false
	for _, p := range list.Posts {
		if p != nil && p.UserId == botID {
			in = true
			break
		}
	}
	a.mu.Lock()
	a.rememberThread(rootID, in)
	a.mu.Unlock()
	return in
}

// markThread records that the bot takes part in a thread.
func (a *Adapter) markThread(rootID string) {
	a.mu.Lock()
	a.rememberThread(rootID, true)
	a.mu.Unlock()
}

func (a *Adapter) rememberThread(rootID string, in bool) {
	if len(a.threads) > 10000 { // a bound: forgotten threads are read again when needed
		a.threads = map[string]bool{}
	}
	a.threads[rootID] = in
}
