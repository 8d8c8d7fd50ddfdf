/* Zone settings: the address suggestions (htmx fills #place-suggestions as the pro types) fill
   the hidden coordinates when one is picked; "use my current position" fills them from the
   phone. `located_address` tells the server which address text the coordinates belong to. */
(function () {
  "use strict";

  function form() {
    return document.getElementById("zone-form");
  }

  function set(name, value) {
    var input = form().querySelector("input[name=" + name + "]");
    if (input) input.value = value;
  }

  document.addEventListener("click", function (event) {
    var place = event.target.closest("[data-place-label]");
    if (place && form()) {
      var label = place.getAttribute("data-place-label");
      set("base_address", label);
      set("located_address", label);
      set("lat", place.getAttribute("data-place-lat"));
      set("lng", place.getAttribute("data-place-lng"));
      document.getElementById("place-suggestions").innerHTML = "";
      form().querySelector("input[name=base_address]").focus();
      return;
    }
    var button = event.target.closest("[data-zone-action=position]");
    if (!button || !navigator.geolocation) return;
    var status = document.getElementById("position-status");
    navigator.geolocation.getCurrentPosition(function (position) {
      set("lat", position.coords.latitude.toFixed(6));
      set("lng", position.coords.longitude.toFixed(6));
      set("located_address", form().querySelector("input[name=base_address]").value);
      status.textContent = status.getAttribute("data-found-text");
    }, function () {
      status.textContent = status.getAttribute("data-failed-text");
    }, { timeout: 10000 });
  });

  function reveal() {
    var button = document.querySelector("[data-zone-action=position]");
    if (button && navigator.geolocation) button.hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
