// The stylesheet's rules for the posts, influencer and pacing views (assets.ts appends them).
export const VIEWS_CSS = `
caption { text-align: left; color: var(--muted); font-size: .85rem; padding: .25rem 0; caption-side: top; }
.small, .tile dd.small, th .small { font-size: .8rem; font-weight: 400; }
.post-url { word-break: break-all; }
.legend { font-size: .85rem; margin: 0; }
.spend-bar { width: 100%; max-width: 32rem; height: auto; display: block; margin: .25rem 0 .75rem; }
.spend-bar .track { fill: var(--soft); stroke: var(--line); } .spend-bar .fill { fill: var(--accent); } .spend-bar .fill.over { fill: var(--bad); }
.spend-bar .pace-mark { stroke: var(--fg); stroke-width: 2; }
td .growth { display: block; font-size: .8rem; color: var(--muted); }
figure.chart-figure { margin: 0; }
.line-chart { width: 100%; max-width: 44rem; height: auto; display: block; }
.line-chart .axis { stroke: var(--muted); } .line-chart .grid { stroke: var(--line); }
.line-chart text { font-size: 11px; fill: var(--muted); } .line-chart .axis-title { fill: var(--fg); font-weight: 600; }
.line-chart .series { stroke: var(--accent); fill: none; stroke-width: 2; }
.line-chart .pt circle { fill: var(--accent); } .line-chart .pt .hit { fill: transparent; }
.line-chart .pt .value { display: none; fill: var(--fg); font-weight: 600; }
.line-chart .pt:hover .value, .line-chart .pt:focus .value { display: inline; }
.line-chart .pt:focus { outline: none; } .line-chart .pt:focus circle.dot { stroke: var(--fg); stroke-width: 2; }
.import-errors li { margin: .15rem 0; }
input[type="file"] { border: 0; padding: .35rem 0; }
`;
