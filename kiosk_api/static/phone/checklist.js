// The phone checklist: ticks kept on the phone (localStorage), one list per procedure.
(function () {
  var list = document.getElementById("checklist");
  var key = list.getAttribute("data-key");
  var boxes = list.querySelectorAll("input[type=checkbox]");
  var state = {};
  try { state = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { state = {}; }
  function save() { try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) {} }
  function show() {
    var done = 0;
    for (var i = 0; i < boxes.length; i++) {
      var on = !!state[boxes[i].getAttribute("data-item")];
      boxes[i].checked = on;
      boxes[i].closest("li").className = on ? "done" : "";
      if (on) done++;
    }
    document.getElementById("progress").textContent = "Đã chuẩn bị " + done + "/" + boxes.length + " loại giấy tờ.";
  }
  list.addEventListener("change", function (e) {
    var item = e.target.getAttribute("data-item");
    if (!item) return;
    if (e.target.checked) state[item] = 1; else delete state[item];
    save(); show();
  });
  document.getElementById("reset").addEventListener("click", function () { state = {}; save(); show(); });
  show();
})();
