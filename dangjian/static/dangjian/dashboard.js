// Drill-down from the dashboard's comparison charts: clicking a child's bar opens that child's
// dashboard (the table beside each chart has the same links for keyboards and no-JS browsers).
document.addEventListener("click", (event) => {
  const canvas = event.target.closest("[data-drill] canvas");
  if (!canvas || typeof Chart === "undefined") return;
  const chart = Chart.getChart(canvas);
  if (!chart) return;
  const hit = chart.getElementsAtEventForMode(event, "index", { intersect: false }, true)[0];
  if (!hit) return;
  const urls = JSON.parse(canvas.closest("[data-drill]").dataset.drill);
  if (urls[hit.index]) window.location.search = urls[hit.index];
});
