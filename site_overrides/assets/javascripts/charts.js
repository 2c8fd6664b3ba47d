/*
 * svcsite charts: draw every `.svc-chart__canvas` of the page with the site's own Vega
 * bundle (assets/javascripts/vega-bundle.js, loaded before this file; nothing from a CDN).
 *
 * The Vega-Lite spec is data in the element's `data-spec` attribute (generator/site/charts.py);
 * it is parsed with JSON.parse and handed to vegaEmbed, never evaluated or inserted as HTML.
 * Charts are drawn on every page Material shows (its `document$` emits after instant
 * navigation), redrawn when the reader switches between the light and dark palette, and
 * marked `data-drawn="true"` once drawn (`"error"` if they could not be).
 */
(function () {
  "use strict";

  // Loaded a second time (e.g. re-run after a page is decrypted): draw, do not re-subscribe.
  if (window.svcCharts) {
    window.svcCharts.drawAll();
    return;
  }

  const SELECTOR = ".svc-chart__canvas";
  const views = new Map(); // canvas element -> vegaEmbed result, to finalize before redrawing
  const generations = new WeakMap(); // canvas element -> number of its latest draw request

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  // Free the views whose elements left the page (instant navigation replaces the content).
  function forgetDetached() {
    views.forEach(function (result, element) {
      if (!element.isConnected) {
        result.finalize();
        views.delete(element);
      }
    });
  }

  async function draw(element) {
    const generation = (generations.get(element) || 0) + 1;
    generations.set(element, generation);
    const dark = isDark();
    let spec;
    try {
      spec = JSON.parse(element.getAttribute("data-spec"));
    } catch (error) {
      element.setAttribute("data-drawn", "error");
      console.error("svcsite: a chart's spec is not valid JSON", element.id, error);
      return;
    }
    const previous = views.get(element);
    if (previous) {
      previous.finalize();
      views.delete(element);
    }
    element.setAttribute("data-drawn", "false");
    try {
      const result = await vegaEmbed(element, spec, {
        mode: "vega-lite",
        actions: false,
        renderer: "svg",
        defaultStyle: false, // charts.css styles the container; inject no <style>
        theme: dark ? "dark" : undefined,
        config: { background: null },
        tooltip: { theme: dark ? "dark" : "light" },
      });
      if (generations.get(element) !== generation || !element.isConnected) {
        result.finalize(); // a newer draw (palette switched meanwhile) or a page change won
        return;
      }
      views.set(element, result);
      element.setAttribute("data-scheme", dark ? "dark" : "light");
      element.setAttribute("data-drawn", "true");
    } catch (error) {
      element.setAttribute("data-drawn", "error");
      console.error("svcsite: could not draw chart", element.id, error);
    }
  }

  // Draw the charts not yet drawn in the current palette (all of them with `force`).
  function drawAll(force) {
    forgetDetached();
    if (typeof window.vegaEmbed !== "function") {
      console.error("svcsite: vega-bundle.js must be loaded before charts.js");
      return;
    }
    const scheme = isDark() ? "dark" : "light";
    document.querySelectorAll(SELECTOR).forEach(function (element) {
      if (force === true || element.getAttribute("data-scheme") !== scheme) {
        draw(element);
      }
    });
  }

  // Redraw when Material's palette toggle (or the system preference) changes the scheme.
  let scheme = null;
  function watchPalette() {
    scheme = document.body.getAttribute("data-md-color-scheme");
    new MutationObserver(function () {
      const now = document.body.getAttribute("data-md-color-scheme");
      if (now !== scheme) {
        scheme = now;
        drawAll(true);
      }
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function start() {
    watchPalette();
    if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
      // Material: emits for the first page and after every instant navigation.
      window.document$.subscribe(function () {
        drawAll(false);
      });
    } else {
      drawAll(false);
    }
    // mkdocs-encryptcontent-plugin: the content appears only once decrypted.
    window.addEventListener("encryptcontent_event", function () {
      drawAll(false);
    });
  }

  window.svcCharts = { drawAll: drawAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
