/* 粤康码 H5 core: a page's views as entries of the browser's history, so the phone's back button returns from a
   service to the page's home view instead of leaving the app: opening a view from home pushes an entry (#name),
   from another view replaces it, and back (or ‹ 返回) pops it.

   viewRouter({home, views, show, active}): views maps a name to its view ({section}); show(name, detail) draws a
   view (the router has hidden every other view's section; detail is what open() was given, if anything: a view
   reached by the back button has none); active() says whether popstate may switch views (false while logged
   out). The history entry's state is {ykmView: name}. */

export function viewRouter(options) {
  var home = options.home;
  var views = options.views;
  var current = home;

  function hideAll() {
    Object.keys(views).forEach(function (name) { views[name].section.hidden = true; });
  }

  function show(name, detail) {
    hideAll();
    current = name;
    options.show(name, detail);
  }

  function open(name, detail) {
    if (name === current) return;
    if (name === home) return back();
    if (current === home) history.pushState({ ykmView: name }, "", "#" + name);
    else history.replaceState({ ykmView: name }, "", "#" + name);
    show(name, detail);
  }

  function back() {
    if (history.state && history.state.ykmView && history.state.ykmView !== home) history.back();
    else show(home);
  }

  // Where the page stands without a view (the login form, the code): this history entry, no #view.
  function settle(name) {
    hideAll();
    current = name;
    history.replaceState({ ykmView: name }, "", location.pathname + location.search);
  }

  window.addEventListener("popstate", function (event) {
    if (!options.active()) return;
    var name = (event.state && event.state.ykmView) || home;
    if (name !== home && !views[name]) name = home;
    show(name);
  });

  return { open: open, back: back, settle: settle, hideAll: hideAll, current: function () { return current; } };
}
