/* Drafts: nothing typed is lost. A form's unsaved values are kept in this browser (a dcc.Store with
   storage_type "local", one per page) under the form's key (user, form, indicator and quarter, programme or
   record), from the first keystroke until they are saved or discarded. Coming back to the form, by the
   quarter picker, a link, the navbar, a reload or another day, puts the draft back in the form with a note
   saying so and a button to discard it; a page also names the drafts kept for the same thing elsewhere (the
   narrative of another quarter) with a link to each.

   Two functions per form, called as Dash clientside callbacks (served from /assets, so the page's
   Content-Security-Policy allows them without any inline script):
   - keep(...values, info, drafts) -> drafts: the form's values as the draft of info.key, or no draft when they
     are what the page was drawn with (info.saved);
   - restore(stamp, discardClicks, drafts, info, ...values) -> [...values, info, note, discardStyle, drafts]:
     the first time the page's drafts are read, the values the page was drawn with become info.saved and a
     draft of info.key, if the form is still untouched, is put back; "Discard" puts info.saved back.
   A form's values are any JSON: text, a list of a pattern's values, a grid's rows. */
(function () {
  var NO = function () { return window.dash_clientside.no_update; };

  function same(a, b) { return JSON.stringify(norm(a)) === JSON.stringify(norm(b)); }
  function norm(value) {
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map(norm);
    if (typeof value === 'object') return JSON.parse(JSON.stringify(value));  // a grid's row: its JSON
    return value;
  }
  function shaped(a, b) {  // the same number of fields (and of items in each list) as the form has now
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every(function (item, i) {
      return Array.isArray(item) === Array.isArray(b[i]) && (!Array.isArray(item) || item.length === b[i].length);
    });
  }
  function without(drafts, key) {
    var out = Object.assign({}, drafts || {});
    delete out[key];
    return out;
  }
  function el(type, props) { return {type: type, namespace: 'dash_html_components', props: props}; }
  function time(at, lang) {
    var d = new Date(at);
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var month = d.toLocaleString(lang && lang !== 'en' ? lang : 'en-GB', {month: 'short'});
    return d.getDate() + ' ' + month + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function others(drafts, info) {  // drafts of the same thing elsewhere (another quarter's narrative)
    return Object.keys(drafts || {}).filter(function (key) {
      var draft = drafts[key];
      return key !== info.key && draft && draft.group && draft.group === info.group && draft.user === info.user;
    }).map(function (key) { return drafts[key]; });
  }
  function note(restored, info, elsewhere) {
    // the page's words (dashboard._drafts.words), in the language it was drawn in
    var words = Object.assign({put_back: 'Unsaved draft put back: ',
                               as_left: 'the {label} as you left it on {when}, kept in this browser. It is ' +
                                        'not saved until you save it. ',
                               also: 'Also kept, not saved: ', kept: 'Kept in this browser, not saved: '},
                              info.words || {});
    var parts = [];
    if (restored) {
      parts.push(el('Strong', {children: words.put_back}));
      var when = time(restored.at, words.lang);  // replaced by functions: a label's $ is no pattern
      parts.push(words.as_left.replace('{label}', function () { return info.label; })
                              .replace('{when}', function () { return when; }));
    }
    if (elsewhere.length) {
      parts.push(restored ? words.also : words.kept);
      elsewhere.forEach(function (draft, i) {
        if (i) parts.push(', ');
        parts.push(el('A', {href: draft.href, children: draft.label, className: 'alert-link'}));
      });
      parts.push('.');
    }
    return parts.length ? parts : null;
  }

  function keep() {
    var args = Array.prototype.slice.call(arguments);
    var drafts = args.pop(), info = args.pop(), values = args;
    if (!info || !info.key || !Array.isArray(info.saved)) return NO();  // not read yet: nothing to compare
    if (same(values, info.saved)) {
      return drafts && info.key in drafts ? without(drafts, info.key) : NO();
    }
    var prior = (drafts || {})[info.key];
    if (prior && same(prior.values, values)) return NO();
    var kept = Object.assign({}, drafts || {});
    // as JSON keeps it (an unset select is null, never undefined): the store compares what it holds with
    // what local storage gives back, and would write it again and again if they differed
    kept[info.key] = {values: norm(values), at: Date.now(), label: info.label, href: info.href,
                      group: info.group || null, user: info.user};
    return kept;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    drafts: {
      keep: keep,
      /* A grid edited in place (AG Grid changes its rows' objects and says so in cellValueChanged):
         (cellValueChanged, ...other values, info, rows, drafts), kept as (rows, ...other values). */
      keep_grid: function () {
        var args = Array.prototype.slice.call(arguments);
        var drafts = args.pop(), rows = args.pop(), info = args.pop();
        return keep.apply(null, [rows].concat(args.slice(1), [info, drafts]));
      },
      /* After a save that does not draw the page again: (answer, info, ...values) -> info, the values typed
         being what is saved now when the answer says it saved (its id ends in "-done"). */
      saved: function () {
        var args = Array.prototype.slice.call(arguments);
        var answer = args[0], info = args[1], values = args.slice(2);
        var done = answer && answer.props && /-done$/.test(answer.props.id || '');
        if (!done || !info) return NO();
        return Object.assign({}, info, {saved: norm(values), restored: true});
      },
      restore: function () {
        var args = Array.prototype.slice.call(arguments);
        var drafts = args[2], info = Object.assign({}, args[3] || {}), current = args.slice(4);
        var unchanged = current.map(NO);
        var nothing = unchanged.concat([NO(), NO(), NO(), NO()]);
        if (!info.key) return nothing;
        var first = !Array.isArray(info.saved);
        if (first) info.saved = norm(current);  // a copy: a grid changes its rows in place
        var triggered = (window.dash_clientside.callback_context.triggered || []).map(function (t) {
          return t.prop_id;
        });
        var discarding = triggered.some(function (id) { return /discard\.n_clicks$/.test(id); }) &&
          args[1];
        if (discarding) {
          info.restored = true;
          return info.saved.concat([info, null, {display: 'none'}, without(drafts, info.key)]);
        }
        if (info.restored || drafts === undefined || drafts === null) {
          return first ? unchanged.concat([info, NO(), NO(), NO()]) : nothing;
        }
        info.restored = true;  // the page's drafts are read: from now on only the user changes the form
        var draft = drafts[info.key];
        var elsewhere = others(drafts, info);
        var stale = draft && (draft.user !== info.user || !shaped(draft.values, current) ||
                              same(draft.values, current));
        if (!draft || stale || !same(current, info.saved)) {
          return unchanged.concat([info, note(null, info, elsewhere), {display: 'none'},
                                   stale ? without(drafts, info.key) : NO()]);
        }
        return draft.values.concat([info, note(draft, info, elsewhere), {}, NO()]);
      }
    }
  });
})();
