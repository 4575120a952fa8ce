// flytelike UI: live updates by polling the JSON API, and the run's action buttons.
(function () {
  "use strict";
  const el = document.getElementById("page-data");
  const page = el ? JSON.parse(el.textContent) : {};
  const FINAL = ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT", "SKIPPED"];

  function say(text) {
    const s = document.getElementById("status");
    if (s) s.textContent = text;
  }

  async function post(url, body) {
    const r = await fetch("/api" + url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Flytelike": "1" },
      body: JSON.stringify(body || {}),
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  }

  document.querySelectorAll("button.act").forEach((b) => {
    b.addEventListener("click", async () => {
      b.disabled = true;
      const body = b.dataset.signal ? { name: b.dataset.signal, value: JSON.parse(b.dataset.value) } : {};
      try {
        const res = await post(b.dataset.post, body);
        say(res.message || "done");
        setTimeout(() => location.reload(), 600);
      } catch (e) {
        say("failed: " + e.message);
        b.disabled = false;
      }
    });
  });

  document.querySelectorAll("form.signal").forEach((f) => {
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      let value;
      try { value = JSON.parse(f.elements.value.value); } catch (e) { value = f.elements.value.value; }
      try {
        const res = await post(f.dataset.post, { name: f.dataset.signal, value: value });
        say(res.message || "sent");
        setTimeout(() => location.reload(), 600);
      } catch (e) { say("failed: " + e.message); }
    });
  });

  async function pollRuns() {
    const q = new URLSearchParams(page.filters || {});
    const r = await fetch("/api/runs?" + q.toString() + "&format=rows");
    if (r.ok) document.getElementById("runs-body").innerHTML = await r.text();
  }

  async function pollRun() {
    const r = await fetch("/api/runs/" + encodeURIComponent(page.run));
    if (!r.ok) return;
    const d = await r.json();
    const phases = d.actions.map((a) => a.phase);
    if (d.run.phase !== page.phase || phases.length !== page.n || phases.join() !== page.phases.join()) {
      location.reload();
    }
  }

  if (page.page === "runs") setInterval(pollRuns, 2000);
  if (page.page === "run" && FINAL.indexOf(page.phase) < 0) setInterval(pollRun, 1000);
})();
