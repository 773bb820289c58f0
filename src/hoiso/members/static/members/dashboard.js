// HộiSố — the member dashboard's charts (Apache ECharts). The figures come from the page as
// JSON (no inline script: the content security policy forbids it); tooltips are drawn inside
// the canvas (richText) so that no inline style is needed either.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const rose = ["#a3285f", "#d9578f", "#f0a6c4", "#7d1c48", "#c98aa8", "#5f1236", "#e8c3d3"];
  const charts = [];

  // On a phone the category names of horizontal bars are cut to a width (with "…"; the
  // tooltip has them whole) and pie labels give way to a legend, so the bars keep their room.
  function narrow(el) { return el.clientWidth < 480; }
  // Numbers the Vietnamese way (274.267; 95,5%); axes in short form on a phone (30 N).
  const lang = document.documentElement.lang || "vi";
  const whole = new Intl.NumberFormat(lang);
  const short = new Intl.NumberFormat(lang, { notation: "compact" });

  function bar(el, series, opts) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    const names = { interval: 0, width: narrow(el) ? 96 : 180, overflow: "truncate" };
    const values = { formatter: (v) => (narrow(el) ? short : whole).format(v), hideOverlap: true };
    const shown = (p) => whole.format(p.value) + (opts.suffix || "");
    chart.setOption({
      color: rose,
      grid: { left: 8, right: opts.horizontal ? 56 : 24, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      toolbox: { feature: { saveAsImage: { title: data.labels.save, name: el.dataset.chart } } },
      xAxis: opts.horizontal ? { type: "value", max: opts.max, axisLabel: values } : { type: "category", data: series.map((s) => s[0]), axisLabel: { interval: 0 } },
      yAxis: opts.horizontal ? { type: "category", data: series.map((s) => s[0]), inverse: true, axisLabel: names } : { type: "value", axisLabel: values },
      series: [{ type: "bar", data: series.map((s) => s[1]), label: { show: true, position: opts.horizontal ? "right" : "top", formatter: shown } }],
    });
    charts.push(chart);
  }

  function pie(el, series) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: rose,
      tooltip: { trigger: "item", renderMode: "richText" },
      toolbox: { feature: { saveAsImage: { title: data.labels.save, name: el.dataset.chart } } },
      legend: narrow(el) ? { bottom: 0, type: "scroll" } : undefined,
      series: [{ type: "pie", radius: narrow(el) ? ["30%", "55%"] : ["40%", "70%"], center: ["50%", narrow(el) ? "42%" : "50%"],
                 data: series.map((s) => ({ name: s[0], value: s[1] })), label: { show: !narrow(el), formatter: (p) => p.name + ": " + whole.format(p.value) } }],
    });
    charts.push(chart);
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const series = data.charts[el.dataset.chart];
    if (!series) return;
    if (el.dataset.kind === "pie") pie(el, series);
    else bar(el, series, { horizontal: el.dataset.kind === "hbar", suffix: el.dataset.suffix || "", max: el.dataset.max ? Number(el.dataset.max) : undefined });
  });
  window.addEventListener("resize", function () { charts.forEach((c) => c.resize()); });
})();
