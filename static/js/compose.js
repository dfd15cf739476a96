// Pool page of a round: send the ticked managers as one field.
// Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields,
// and a large round ticks more people than that. The page works without this script
// as long as fewer than about 1,000 are ticked.
(function () {
  function restore(form) {
    form.querySelectorAll("input[name=people][data-collapsed]").forEach(function (box) {
      box.disabled = false;
      box.removeAttribute("data-collapsed");
    });
    form.querySelectorAll("input[name=people_ids]").forEach(function (field) {
      field.remove();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-collapse-ticks]")) {
      return;
    }
    restore(form);
    var ids = [];
    form.querySelectorAll("input[name=people]:checked").forEach(function (box) {
      ids.push(box.value);
      box.disabled = true; // disabled fields are not sent
      box.setAttribute("data-collapsed", "");
    });
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "people_ids";
    field.value = ids.join(",");
    form.appendChild(field);
  });

  // Back to the page from the browser's cache: the boxes must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-collapse-ticks]").forEach(restore);
  });
})();
