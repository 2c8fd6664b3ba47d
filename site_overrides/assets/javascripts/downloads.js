// svcsite: on a password-protected site the downloads travel inside the encrypted page (a
// separate file would be readable without the password). Each `.svc-download` holds its file
// as base64; once the page is shown (or decrypted) this turns it into a download link.
(function () {
  "use strict";

  function wire() {
    document.querySelectorAll(".svc-download[data-content]:not([data-ready])").forEach(function (element) {
      var binary = atob(element.getAttribute("data-content"));
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      var name = element.getAttribute("data-filename");
      var type = name.endsWith(".json") ? "application/json" : "text/csv";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([bytes], { type: type + ";charset=utf-8" }));
      link.download = name;
      link.className = "md-button";
      link.textContent = "Download " + name;
      element.appendChild(link);
      element.setAttribute("data-ready", "true");
    });
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(wire);
  else document.addEventListener("DOMContentLoaded", wire);
  window.addEventListener("encryptcontent_event", wire);
})();
