/* Two gaps in Dash 4's own components, mended in the browser so every page passes WCAG 2.1 AA checks.

   Dash 4's dropdown takes keyboard focus on a hidden input (aria-hidden, tabindex 0) and keeps its labelled
   button out of the tab order, so screen readers land on nothing. Put the button in the tab order instead:
   it opens on Enter, Space or the arrow keys like any menu button. */
(function () {
  function mend(root) {
    root.querySelectorAll('.dash-dropdown-wrapper').forEach(function (wrapper) {
      var hidden = wrapper.querySelector('input.dash-dropdown-focus-target');
      var button = wrapper.querySelector('button.dash-dropdown');
      if (hidden && hidden.getAttribute('tabindex') !== '-1') hidden.setAttribute('tabindex', '-1');
      if (button && button.getAttribute('tabindex') !== '0' && !button.disabled) button.setAttribute('tabindex', '0');
    });
    /* dcc.Upload's file input has no label: name it after the drop zone's own words. */
    root.querySelectorAll('input[type=file]:not([aria-label])').forEach(function (input) {
      var zone = input.parentElement;
      input.setAttribute('aria-label', ((zone && zone.textContent) || 'Choose a file').trim());
    });
  }
  new MutationObserver(function () { mend(document); })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['tabindex']});
  document.addEventListener('DOMContentLoaded', function () { mend(document); });
})();
