// The default theme's small behaviours. The site reads and navigates without
// them: the sidebar is visible on wide screens and below the page on phones.
(function () {
  "use strict";
  var html = document.documentElement;

  // --header-h is the sticky header's height: jump targets scroll to below
  // it (scroll-padding-top) and the phone drawer starts under it. The
  // stylesheet has a fallback; this keeps it exact when the header's height
  // changes (zoom, larger text, a site's longer title or labels).
  var header = document.querySelector(".site-header");
  if (header) {
    var setHeaderHeight = function () {
      html.style.setProperty("--header-h", header.getBoundingClientRect().height + "px");
    };
    setHeaderHeight();
    if (window.ResizeObserver) new ResizeObserver(setHeaderHeight).observe(header);
  }

  // Phones: the "Contents" button opens the sidebar as a drawer; Escape or a
  // second press closes it, and focus returns to the button.
  var toggle = document.querySelector(".menu-toggle");
  var sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    // aria-expanded also picks which of the button's two labels shows (CSS).
    var setOpen = function (open) {
      html.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var current = sidebar.querySelector("[aria-current=page]") || sidebar.querySelector("a");
        if (current) current.focus();
      }
    };
    toggle.addEventListener("click", function () {
      setOpen(!html.classList.contains("nav-open"));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && html.classList.contains("nav-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    // A tap outside the open drawer (on the dimmed page) closes it.
    document.addEventListener("click", function (e) {
      if (html.classList.contains("nav-open") && !sidebar.contains(e.target) && !toggle.contains(e.target)) setOpen(false);
    });
  }

  // Print buttons print the page; without JavaScript they stay hidden and the
  // browser's own print command gives the same printout (see the print stylesheet).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
