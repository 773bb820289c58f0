// HộiSố — a campaign's progress over time (Apache ECharts): what the units reached each day
// beside the expected pace of their target. The figures come from the page as JSON (no
// inline script: the content security policy forbids it); tooltips are drawn inside the
// canvas (richText) so that no inline style is needed either.
(function () {
  const source = document.getElementById("campaign-data");
  const el = document.getElementById("campaign-chart");
  if (!source || !el || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const rose = ["#a3285f", "#d9578f", "#7d1c48", "#c98aa8", "#5f1236", "#f0a6c4"];
  const lang = document.documentElement.lang || "vi";
  const whole = new Intl.NumberFormat(lang);
  const short = new Intl.NumberFormat(lang, { notation: "compact" });
  const narrow = () => el.clientWidth < 480;
  const series = [];
  data.series.forEach((s, i) => {
    const color = rose[i % rose.length];
    series.push({ name: s.name + " — " + data.labels.reached, type: "line", data: s.values,
                  showSymbol: false, connectNulls: true, color: color, areaStyle: { opacity: 0.12 } });
    series.push({ name: s.name + " — " + data.labels.pace, type: "line", data: s.pace,
                  showSymbol: false, color: color, lineStyle: { type: "dashed", width: 1 } });
  });
  const chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    grid: { left: 8, right: 16, top: narrow() ? 64 : 40, bottom: 8, containLabel: true },
    legend: { type: "scroll", top: 0 },
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: (v) => (v == null ? "—" : whole.format(v)) },
    toolbox: { feature: { saveAsImage: { title: data.labels.save, name: "campaign" } } },
    xAxis: { type: "category", data: data.days, boundaryGap: false },
    yAxis: { type: "value", axisLabel: { formatter: (v) => (narrow() ? short : whole).format(v) } },
    series: series,
  });
  window.addEventListener("resize", () => chart.resize());
})();
