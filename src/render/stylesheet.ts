/** The stylesheet every HTML page links to (static-assets.ts serves it under a content-hashed name). */
export const STYLESHEET = `:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6e6e73;--line:#e5e5ea;--accent:#0a66c2;--bg:#fff}
@media (prefers-color-scheme:dark){:root{--fg:#f2f2f7;--muted:#a1a1a6;--line:#38383a;--accent:#64a8ff;--bg:#1c1c1e}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.75 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1.25rem 4rem}
header.site{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap;border-bottom:1px solid var(--line);padding-bottom:.75rem;margin-bottom:1.5rem}
header.site a.home{font-weight:700;font-size:1.15rem;color:var(--fg);text-decoration:none}
a{color:var(--accent)}
h1{font-size:1.65rem;line-height:1.35;margin:.2rem 0 .6rem}
h2{font-size:1.1rem;margin:2rem 0 .6rem;color:var(--muted);font-weight:600;letter-spacing:.02em}
.feeds a,.pill{display:inline-block;font-size:.8rem;line-height:1.6;padding:0 .55rem;border:1px solid var(--line);border-radius:999px;text-decoration:none;margin:0 .25rem .25rem 0}
ul.articles{list-style:none;padding:0;margin:0}
ul.articles li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ul.articles a.title{font-weight:600;text-decoration:none;color:var(--fg)}
ul.articles a.title:hover{color:var(--accent)}
.meta{color:var(--muted);font-size:.85rem}
.meta .pill{font-size:.75rem}
table.categories,table.groups{width:100%;border-collapse:collapse}
table.categories td,table.groups td{padding:.45rem .25rem;border-bottom:1px solid var(--line);vertical-align:top}
table.categories td.count,table.groups td.count{text-align:right;color:var(--muted);white-space:nowrap}
article.content{margin-top:1.5rem;overflow-wrap:anywhere}
article.content img{max-width:100%;height:auto;display:block;margin:1rem auto;border-radius:4px}
article.content table{border-collapse:collapse;max-width:100%;overflow:auto;display:block}
article.content td,article.content th{border:1px solid var(--line);padding:.3rem .5rem}
article.content blockquote{margin:1rem 0;padding:.2rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.85rem;color:var(--muted);margin:1rem 0}
dl.facts dd{margin:0;overflow-wrap:anywhere}
form.search{display:flex;gap:.5rem;margin:.5rem 0}
form.search input{flex:1;font:inherit;padding:.2rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
form.search button{font:inherit;padding:.2rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
`;
