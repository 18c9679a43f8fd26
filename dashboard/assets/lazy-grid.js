/* AG Grid's library for the pages that draw a grid only, and only once a grid is about to be seen (see
   dashboard/_delivery.py).

   Every page carries the library's script tag with type="text/plain", which the browser does not fetch.
   Until then, window.dash_ag_grid is this stand-in: a grid holds its place (its id, classes and size, marked
   aria-busy) until it comes within NEAR of the screen; the first grid to do so fetches the library from the
   tag's (versioned, cached for a year) address, and every grid then draws the real one inside the stand-in,
   so Dash's renderer keeps one component type per grid. A grid lower down the page (the Programme page's
   targets, the Indicator page's records) is fetched as the user scrolls towards it, so the first screen
   arrives without the library's half megabyte over a field office's link. Dash waits for the library before
   it runs a callback reading or writing a grid (the component's _dashprivate_isLazyComponentReady, as
   Dash's own lazily loaded components do). */
(function () {
  'use strict';
  var tag = document.querySelector('script[data-ctmonitor-lazy="dash_ag_grid"]');
  if (!tag || window.dash_ag_grid || !window.React) {
    return;
  }
  var React = window.React;
  var library = null;
  var CHUNK = 'async-community.js';  // dash-ag-grid's chunk of AG Grid's community edition (GRID_CHUNK)
  var loading = null;

  // The chunk the library loads once it draws a grid (AG Grid itself), asked for beside the library rather
  // than after it: over a slow link the two arrive without a round trip and the library's start between them.
  function preloadChunk(library) {
    if (document.querySelector('link[rel="preload"][href$="/' + CHUNK + '"]')) {
      return;  // the page's head asked for it already (a page whose first screen is a grid)
    }
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = library.replace(/[^/]*$/, CHUNK);
    document.head.appendChild(link);
  }

  function load() {
    if (!loading) {
      preloadChunk(tag.getAttribute('src'));
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = tag.getAttribute('src');
        script.onload = resolve;
        script.onerror = function () {
          loading = null;  // a later grid tries again
          reject(new Error('AG Grid could not be loaded from ' + script.src));
        };
        document.head.appendChild(script);
      }).then(function () {
        library = window.dash_ag_grid;
        window.dash_ag_grid = stand_in;
        // What Dash reads of a component class (propTypes, defaultProps, dashPersistence, ...).
        Object.getOwnPropertyNames(library.AgGrid).forEach(function (name) {
          if (['length', 'name', 'prototype', 'caller', 'arguments'].indexOf(name) < 0) {
            Object.defineProperty(AgGrid, name, Object.getOwnPropertyDescriptor(library.AgGrid, name));
          }
        });
        return true;
      });
    }
    return loading;
  }

  var NEAR = '600px';  // about two thirds of a screen: fetched while the user scrolls towards the grid

  // Calls ``seen`` once ``element`` comes within NEAR of the screen (at once where the browser cannot tell).
  function whenNear(element, seen) {
    if (!element || !window.IntersectionObserver) {
      seen();
      return function () {};
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        seen();
      }
    }, {rootMargin: NEAR});
    observer.observe(element);
    return function () { observer.disconnect(); };
  }

  function AgGrid(props) {
    var state = React.useState(library !== null);
    var loaded = state[0];
    var setLoaded = state[1];
    var place = React.useRef(null);
    React.useEffect(function () {
      if (loaded) {
        return undefined;
      }
      var live = true;
      var forget = whenNear(place.current, function () {
        load().then(function () {
          if (live) {
            setLoaded(true);
          }
        });
      });
      return function () {
        live = false;
        forget();
      };
    }, [loaded]);
    if (loaded) {
      return React.createElement(library.AgGrid, props);
    }
    return React.createElement('div', {
      ref: place,
      id: props.id,
      className: ((props.className || '') + ' ct-grid-waiting').trim(),
      style: props.style,
      'aria-busy': 'true'
    });
  }

  Object.defineProperty(AgGrid, '_dashprivate_isLazyComponentReady', {
    configurable: true,
    get: function () {
      return library !== null ? true : load();
    }
  });

  function later(name) {
    return function () {
      var args = arguments;
      return load().then(function () {
        return library[name].apply(library, args);
      });
    };
  }

  var stand_in = {
    AgGrid: AgGrid,
    getApi: function (id) {
      if (library === null) {
        throw new Error('AG Grid is not loaded yet: use dash_ag_grid.getApiAsync');
      }
      return library.getApi(id);
    },
    getApiAsync: later('getApiAsync')
  };
  window.dash_ag_grid = stand_in;
})();
