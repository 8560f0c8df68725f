#include "report/report_style.h"

namespace nta {

std::string_view report_css() noexcept {
  return R"CSS(
:root{--bg:#f7f8fa;--panel:#fff;--text:#1d2330;--muted:#5b6474;--line:#e3e6eb;--accent:#2f6fde;
--c0:#2f6fde;--c1:#17a398;--c2:#8a5cd6;--c3:#e08a1e;--c4:#d64f7a;--c5:#6b7a90;
--sev0:#5b8def;--sev1:#e0b100;--sev2:#ee7a22;--sev3:#d62f3a;--shadow:0 1px 2px rgba(16,24,40,.06)}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--panel:#1a1f28;--text:#e6e9ef;--muted:#9aa3b2;--line:#2b3240;
--accent:#6d9cff;--c0:#6d9cff;--c1:#3cc7b9;--c2:#ad8af0;--c3:#f0a54a;--c4:#ee7aa0;--c5:#8e9bb0;
--sev0:#7ea6ff;--sev1:#f2cc3d;--sev2:#ff9a4d;--sev3:#ff5c68;--shadow:none}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{padding:22px 32px 14px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:650;letter-spacing:-.01em}
header.top .meta{color:var(--muted);font-size:13px}
nav{position:sticky;top:0;z-index:2;background:var(--panel);border-bottom:1px solid var(--line);padding:6px 32px;display:flex;flex-wrap:wrap;gap:4px 16px}
nav a{color:var(--muted);text-decoration:none;font-size:13px;padding:4px 0}
nav a:hover{color:var(--accent)}
main{max-width:1240px;margin:0 auto;padding:20px 32px 48px}
section{background:var(--panel);border:1px solid var(--line);border-radius:10px;box-shadow:var(--shadow);padding:18px 22px;margin:0 0 18px}
section h2{margin:0 0 12px;font-size:17px;font-weight:650}
section h3{margin:16px 0 8px;font-size:14px;font-weight:600;color:var(--muted)}
p.note{color:var(--muted);font-size:13px;margin:6px 0 10px}
.warn{border-left:4px solid var(--sev2);padding:8px 12px;background:color-mix(in srgb,var(--sev2) 10%,transparent);border-radius:4px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.card .s{color:var(--muted);font-size:12px}
.sevs{display:flex;gap:8px;flex-wrap:wrap;margin-top:12px}
.chip{display:inline-flex;align-items:center;gap:6px;border:1px solid var(--line);border-radius:999px;padding:2px 10px;font-size:12px;white-space:nowrap}
.dot{width:9px;height:9px;border-radius:50%;display:inline-block}
.dot.sev0{background:var(--sev0)}.dot.sev1{background:var(--sev1)}.dot.sev2{background:var(--sev2)}.dot.sev3{background:var(--sev3)}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:20px}
@media (max-width:980px){.grid2{grid-template-columns:minmax(0,1fr)}}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;white-space:nowrap;position:relative}
td.n,th.n{text-align:right}
.nw{white-space:nowrap}
td.w{word-break:break-word;max-width:520px}
td.mono,span.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
table.sortable th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
tr:hover td{background:color-mix(in srgb,var(--accent) 5%,transparent)}
.sev{font-weight:600;font-size:12px;border-radius:4px;padding:1px 7px;color:#fff;white-space:nowrap}
.sev.sev0{background:var(--sev0)}.sev.sev1{background:var(--sev1);color:#231c00}.sev.sev2{background:var(--sev2)}.sev.sev3{background:var(--sev3)}
.meter{display:inline-block;width:80px;height:8px;border-radius:4px;background:var(--line);vertical-align:middle;margin-right:6px;overflow:hidden}
.meter>span{display:block;height:100%;background:var(--sev2)}
ul.reasons{margin:0;padding-left:16px}
td.ev{max-width:340px;word-break:break-word;color:var(--muted)}
td.ev summary{cursor:pointer;list-style-position:outside}
td.ev details[open] summary{color:var(--text)}
.controls{display:flex;gap:10px;align-items:center;margin:6px 0 10px;flex-wrap:wrap}
.controls input,.controls select{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:5px 9px}
.controls input{min-width:340px}
.count{color:var(--muted);font-size:12px}
svg.chart{width:100%;height:auto;display:block;margin:4px 0 8px}
svg.chart text{font-size:11px;fill:var(--muted);font-family:inherit}
svg.chart text.label{fill:var(--text)}
svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart .mark:hover{opacity:.8}
svg.chart .c0{fill:var(--c0)}svg.chart .c1{fill:var(--c1)}svg.chart .c2{fill:var(--c2)}svg.chart .c3{fill:var(--c3)}svg.chart .c4{fill:var(--c4)}svg.chart .c5{fill:var(--c5)}
svg.chart .sev0{fill:var(--sev0)}svg.chart .sev1{fill:var(--sev1)}svg.chart .sev2{fill:var(--sev2)}svg.chart .sev3{fill:var(--sev3)}
svg.chart path.fill{fill-opacity:.18;stroke:none}
svg.chart path.line{fill:none;stroke-width:1.6}
svg.chart path.line.c0{stroke:var(--c0)}svg.chart path.line.c1{stroke:var(--c1)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}
@media print{
:root{--bg:#fff;--panel:#fff;--text:#000;--muted:#444;--line:#ccc;--shadow:none}
body{font-size:11px}nav,.controls{display:none}
header.top{border:0;padding:0 0 8px}main{max-width:none;padding:0}
section{border:0;border-top:1px solid #999;border-radius:0;padding:10px 0;break-inside:auto}
svg.chart,tr,.card{break-inside:avoid}thead{display:table-header-group}
.tablewrap{overflow:visible}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
tr.hidden{display:table-row!important}}
tr.hidden{display:none}
)CSS";
}

// Sorting: a click on a header sorts by that column (numbers by data-v when present); filtering:
// the alert table's text box and severity choice hide rows that do not match. Both only work on
// rows already in the page, so the page reads the same without script.
std::string_view report_script() noexcept {
  return R"JS(
(function(){
"use strict";
function key(td,num){if(!td)return num?-Infinity:"";var v=td.getAttribute("data-v");
 if(num){var x=parseFloat(v!==null?v:td.textContent.replace(/,/g,""));return isNaN(x)?-Infinity:x;}
 return (v!==null?v:td.textContent).toLowerCase();}
document.querySelectorAll("table.sortable").forEach(function(t){
 var ths=t.tHead?t.tHead.rows[0].cells:[];
 Array.prototype.forEach.call(ths,function(th,i){
  th.tabIndex=0;th.title="Sort by this column";
  function sort(){var num=th.classList.contains("n");var asc=th.getAttribute("aria-sort")!=="ascending";
   if(th.getAttribute("aria-sort")===null&&num)asc=false;
   Array.prototype.forEach.call(ths,function(o){o.removeAttribute("aria-sort");});
   th.setAttribute("aria-sort",asc?"ascending":"descending");
   var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
   rows.sort(function(a,b){var x=key(a.cells[i],num),y=key(b.cells[i],num);return x<y?(asc?-1:1):x>y?(asc?1:-1):0;});
   rows.forEach(function(r){body.appendChild(r);});}
  th.addEventListener("click",sort);
  th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sort();}});
 });
});
var box=document.getElementById("alert-filter"),sev=document.getElementById("alert-severity"),
 table=document.getElementById("alert-table"),count=document.getElementById("alert-count");
if(box&&sev&&table){
 document.getElementById("alert-controls").hidden=false;
 function apply(){var q=box.value.trim().toLowerCase(),s=sev.value,shown=0,rows=table.tBodies[0].rows;
  for(var i=0;i<rows.length;i++){var r=rows[i];
   var ok=(s===""||r.getAttribute("data-sev")===s)&&(q===""||r.textContent.toLowerCase().indexOf(q)>=0);
   r.classList.toggle("hidden",!ok);if(ok)shown++;}
  if(count)count.textContent=shown+" of "+rows.length+" rows shown";}
 box.addEventListener("input",apply);sev.addEventListener("change",apply);apply();}
})();
)JS";
}

}  // namespace nta
