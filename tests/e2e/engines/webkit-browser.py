#!/usr/bin/python3
"""A bare WebKitGTK window for WebKitWebDriver: one web view filling one
window, nothing else. Debian's MiniBrowser will not make its window narrower
than 447 px (its toolbar), so phone widths (320-414 px) need a browser
without chrome. WebKitWebDriver starts this with --automation (and the
inspector address in the environment); window size and position then come
from the WebDriver session (Set Window Rect).

Usage (from WebDriver capabilities, webkitgtk:browserOptions):
  webkit-browser.py --automation [--size=WxH]
"""
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


context = WebKit2.WebContext.get_default()
context.set_automation_allowed("--automation" in sys.argv)
context.connect("automation-started", automation_started)
Gtk.main()
