// Command screens signs in to a running mangluoi and saves full-page
// screenshots of the given paths, at phone and desktop widths, so a
// developer can look at what a user sees:
//
//	go run ./scripts/screens -url http://localhost:8080 -login gialai -out /tmp/shots / /search?q=pleiku
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base := flag.String("url", "http://localhost:8080", "server")
	login := flag.String("login", "admin", "login")
	password := flag.String("password", "demo-mangluoi", "password")
	out := flag.String("out", "screenshots", "folder for the PNGs")
	widths := flag.String("widths", "360,1280", "viewport widths")
	lang := flag.String("lang", "vi", "vi or en")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("lang", *lang))
	if p := os.Getenv("CHROMIUM"); p != "" {
		opts = append(opts, chromedp.ExecPath(p))
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(*base+"/login"),
		chromedp.SendKeys(`input[name=login]`, *login),
		chromedp.SendKeys(`input[name=password]`, *password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`nav.menu`),
	)
	if err != nil {
		log.Fatal("login: ", err)
	}
	if *lang == "en" {
		if err := chromedp.Do(ctx, chromedp.Click(`.lang button[value=en]`), chromedp.WaitVisible(`nav.menu`)); err != nil {
			log.Fatal(err)
		}
	}
	for _, path := range flag.Args() {
		for _, w := range strings.Split(*widths, ",") {
			var width int64
			fmt.Sscan(w, &width)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(*base+path),
				chromedp.WaitReady("body"), chromedp.Sleep(300*time.Millisecond)); err != nil {
				log.Fatal(path, ": ", err)
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				log.Fatal(path, ": ", err)
			}
			name := strings.Trim(strings.NewReplacer("/", "_", "?", "_", "=", "-", "&", "_").Replace(path), "_")
			if name == "" {
				name = "home"
			}
			file := filepath.Join(*out, fmt.Sprintf("%s-%s-%s.png", name, w, *lang))
			if err := os.WriteFile(file, buf, 0o644); err != nil {
				log.Fatal(err)
			}
			fmt.Println(file)
		}
	}
}
