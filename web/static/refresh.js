// burnwatch: reload the page every data-refresh seconds without losing
// your place: open <details> stay open, the scroll position stays, and a
// button in the header pauses reloading (remembered for the tab). Without
// JavaScript the page reloads through a <noscript> meta refresh instead.
(function () {
  'use strict';
  var body = document.body;
  var seconds = parseInt(body.getAttribute('data-refresh') || '0', 10);
  var key = 'burnwatch:' + location.pathname + location.search;
  var store = window.sessionStorage;

  // Sections a reader opened, by their summary's text.
  function detailsKey(d) {
    var s = d.querySelector('summary');
    return s ? s.textContent.trim() : '';
  }
  function saveOpen() {
    var open = [];
    document.querySelectorAll('details').forEach(function (d) {
      if (d.open) { open.push(detailsKey(d)); }
    });
    store.setItem(key + ':open', JSON.stringify(open));
  }
  try {
    var open = JSON.parse(store.getItem(key + ':open') || '[]');
    document.querySelectorAll('details').forEach(function (d) {
      if (open.indexOf(detailsKey(d)) >= 0) { d.open = true; }
    });
    var y = parseInt(store.getItem(key + ':scroll') || '', 10);
    if (!isNaN(y)) { window.scrollTo(0, y); }
  } catch (e) { /* storage off: start closed */ }
  document.addEventListener('toggle', saveOpen, true);

  if (!(seconds > 0)) { return; }
  var paused = store.getItem('burnwatch:paused') === '1';
  var note = document.querySelector('header.top .evaluated');
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'pause';
  function label() {
    button.textContent = paused ? 'Resume reloading' : 'Pause reloading';
    button.setAttribute('aria-pressed', paused ? 'true' : 'false');
    body.classList.toggle('paused', paused);
  }
  button.addEventListener('click', function () {
    paused = !paused;
    store.setItem('burnwatch:paused', paused ? '1' : '0');
    label();
  });
  label();
  if (note) { note.appendChild(document.createTextNode(' ')); note.appendChild(button); }

  window.setInterval(function () {
    if (paused || document.hidden) { return; }
    saveOpen();
    store.setItem(key + ':scroll', String(window.scrollY));
    location.reload();
  }, seconds * 1000);
})();
