/** The landing page's stylesheet, served from /assets/devices.css (the CSP allows no inline styles). */
export const DEVICES_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa; --zebra: #fbfcfd;
  --accent: #0b5cad; --present-bg: #d3f5dc; --present-fg: #0b5d22; --absent-bg: #ffe0dc; --absent-fg: #8a1c12;
  --never-bg: #eceff2; --never-fg: #3d444d; --tag-bg: #eef3fb; --tag-fg: #113f73; --warn-bg: #fff1c2; --warn-fg: #5c4100;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --fg: #e6e9ed; --muted: #9aa4b0; --line: #2d333b; --head: #161b22; --zebra: #12161c;
    --accent: #6cb6ff; --present-bg: #12391f; --present-fg: #8ce0a4; --absent-bg: #46150f; --absent-fg: #ffb3a8;
    --never-bg: #262c33; --never-fg: #c9d1d9; --tag-bg: #15253a; --tag-fg: #a9cdf5; --warn-bg: #3b2e05; --warn-fg: #f3d77a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1.25rem; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--head); }
.top h1 { margin: 0; font-size: 1.35rem; }
.top p { margin: 0; color: var(--muted); }
.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; list-style: none; }
main { padding: 1rem 1.25rem 2rem; }
h2 { margin: 0 0 .25rem; font-size: 1.15rem; }
.summary, .updated { margin: .25rem 0; color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: end; margin: .75rem 0; }
.controls label { display: block; font-weight: 600; font-size: .85rem; margin-bottom: .15rem; }
.controls input, .controls select { font: inherit; padding: .4rem .55rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.controls input { width: min(28rem, 80vw); }
.showing { margin: .5rem 0; font-weight: 600; }
.error { margin: .5rem 0; padding: .5rem .75rem; border-radius: 6px; background: var(--warn-bg); color: var(--warn-fg); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .4rem .55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: var(--head); white-space: nowrap; z-index: 1; }
tbody tr:nth-child(even) { background: var(--zebra); }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: .15rem .1rem; cursor: pointer; display: inline-flex; gap: .3rem; align-items: center; }
th button:hover { text-decoration: underline; }
th .arrow { display: inline-block; width: .8em; color: var(--muted); }
th[aria-sort="ascending"] .arrow::after { content: "\\25B2"; }
th[aria-sort="descending"] .arrow::after { content: "\\25BC"; }
td { overflow-wrap: break-word; }
/* Client-chosen text can be one long word: let it break anywhere, but keep the column readable. */
td[data-label="Name"], td[data-label="Interface / port"] { overflow-wrap: anywhere; min-width: 9rem; }
td[data-label="IP"], td[data-label="First seen"], td[data-label="Last seen"], td[data-label="Lease"] .sub { white-space: nowrap; }
td code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
.sub { display: block; color: var(--muted); font-size: .85em; }
.signal { font-weight: 600; white-space: nowrap; }
.signal.excellent, .signal.good { color: var(--present-fg); }
.signal.fair { color: var(--warn-fg); }
.signal.weak { color: var(--absent-fg); }
td[data-label="Traffic"] { white-space: nowrap; }
.none { color: var(--muted); font-style: italic; }
.private { color: var(--muted); }
.badge, .tag { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .82em; font-weight: 600; white-space: nowrap; margin: 0 .25rem .15rem 0; }
.badge.present { background: var(--present-bg); color: var(--present-fg); }
.badge.absent { background: var(--absent-bg); color: var(--absent-fg); }
.badge.never { background: var(--never-bg); color: var(--never-fg); }
.tag { background: var(--tag-bg); color: var(--tag-fg); font-weight: 500; }
.tag.conflict { background: var(--warn-bg); color: var(--warn-fg); }
tr.absent td { color: var(--muted); }
.more { font: inherit; margin-top: .75rem; padding: .4rem .9rem; border: 1px solid var(--line); border-radius: 6px; background: var(--head); color: var(--fg); cursor: pointer; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* Phones: each device becomes a card; the column headings stay as a row of sort buttons. */
@media (max-width: 760px) {
  main { padding: .75rem; }
  .top { padding: .6rem .75rem; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead tr { display: flex; flex-wrap: wrap; gap: .2rem .4rem; padding-bottom: .5rem; }
  thead th { display: block; position: static; border: 0; padding: .1rem .2rem; background: none; }
  tbody tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: .65rem; padding: .4rem .65rem; }
  td { position: relative; border: 0; padding: .15rem 0 .15rem 8.25rem; min-height: 1.6rem; }
  td::before { content: attr(data-label); position: absolute; left: 0; width: 8rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: .85rem; font-weight: 600; color: var(--muted); }
}
`;
