// Command emptywindow is pishkhan-uibench's baseline: a Fyne window with
// one label, started the same way as the app and writing the same ready
// file (its last argument) once drawn.
package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	ready := os.Args[len(os.Args)-1]
	a := app.New()
	w := a.NewWindow("empty")
	w.SetContent(widget.NewLabel("hello"))
	w.Resize(fyne.NewSize(1100, 720))
	a.Lifecycle().SetOnStarted(func() {
		fyne.Do(func() { os.WriteFile(ready, []byte("1\n"), 0o644) })
	})
	w.ShowAndRun()
}
