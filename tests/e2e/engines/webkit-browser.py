#!/usr/bin/python3
"""A bare WebKitGTK window for WebKitWebDriver: one web view filling one
window, nothing else. Debian's MiniBrowser will not make its window narrower
than 447 px (its toolbar), so phone widths (320-414 px) need a browser
without chrome. WebKitWebDriver starts this with --automation (and the
inspector address in the environment); window size and position then come
from the WebDriver session (Set Window Rect).

Usage (from WebDriver capabilities, webkitgtk:browserOptions):
  webkit-browser.py --automation [--size=WxH]
WebKitWebDriver has no Print command, so the same window also prints a page
to PDF (A4) through GTK's print-to-file backend, as Safari's print does:
  webkit-browser.py --print URL OUT.pdf
"""
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

width, height = 360, 740
for arg in sys.argv[1:]:
    if arg.startswith("--size="):
        width, height = (int(n) for n in arg[len("--size="):].split("x"))

windows = []


def new_view(session):
    # A web view the driver may control; each new one gets its own window,
    # as WebDriver's "new window" expects.
    view = WebKit2.WebView(web_context=context, is_controlled_by_automation=True)
    settings = view.get_settings()
    settings.set_enable_developer_extras(False)
    window = Gtk.Window()
    window.set_default_size(width, height)
    window.add(view)
    window.connect("destroy", lambda w: windows.remove(w) or (windows or Gtk.main_quit()))
    view.connect("close", lambda v: window.destroy())
    window.show_all()
    windows.append(window)
    return view


def automation_started(ctx, session):
    info = WebKit2.ApplicationInfo()
    # The driver reports this as the browser: name it by the engine's version.
    info.set_name("WebKitGTK")
    info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
    session.set_application_info(info)
    session.connect("create-web-view", new_view)


def print_to_pdf(url, out):
    view = WebKit2.WebView()
    window = Gtk.Window()
    window.set_default_size(800, 1000)
    window.add(view)
    window.show_all()
    result = {"error": None}

    def done(op, error=None):
        result["error"] = error
        Gtk.main_quit()

    def loaded(v, event):
        if event != WebKit2.LoadEvent.FINISHED:
            return
        settings = Gtk.PrintSettings()
        settings.set_printer("Print to File")
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_URI, "file://" + os.path.abspath(out))
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_FILE_FORMAT, "pdf")
        setup = Gtk.PageSetup()
        setup.set_paper_size(Gtk.PaperSize.new(Gtk.PAPER_NAME_A4))
        op = WebKit2.PrintOperation.new(view)
        op.set_print_settings(settings)
        op.set_page_setup(setup)
        op.connect("finished", done)
        op.connect("failed", done)
        op.print_()

    view.connect("load-changed", loaded)
    view.load_uri(url)
    Gtk.main()
    if result["error"]:
        sys.exit("print failed: %s" % result["error"])


context = WebKit2.WebContext.get_default()
if "--print" in sys.argv:
    i = sys.argv.index("--print")
    print_to_pdf(sys.argv[i + 1], sys.argv[i + 2])
    sys.exit(0)
context.set_automation_allowed("--automation" in sys.argv)
context.connect("automation-started", automation_started)
Gtk.main()
