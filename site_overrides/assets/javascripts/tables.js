/*
 * svcsite sortable tables: the table inside a `.svc-sortable` block sorts by a column when
 * the reader selects its header (again: the other way). Numbers sort as numbers ("97.5%",
 * "1,234"); a dash (no figure) sorts last. Set up on every page Material shows, also after
 * instant navigation.
 */
(function () {
  "use strict";

  if (window.svcTables) {
    window.svcTables.setUp();
    return;
  }

  function key(cell) {
    const text = cell.textContent.trim();
    const number = parseFloat(text.replace(/,/g, ""));
    return isNaN(number) ? { text: text.toLowerCase(), number: null } : { text: text, number: number };
  }

  function compare(a, b) {
    if (a.number === null && b.number === null) return a.text.localeCompare(b.text);
    if (a.number === null) return 1;
    if (b.number === null) return -1;
    return a.number - b.number;
  }

  function sortBy(table, header, column) {
    const body = table.tBodies[0];
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const rows = Array.from(body.rows).map(function (row, index) {
      return { row: row, key: key(row.cells[column]), index: index };
    });
    rows.sort(function (a, b) {
      const order = compare(a.key, b.key);
      if (order === 0) return a.index - b.index;
      if (a.key.number === null || b.key.number === null) return order; // no figure: last
      return ascending ? order : -order;
    });
    rows.forEach(function (item) {
      body.appendChild(item.row);
    });
    table.querySelectorAll("th").forEach(function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUp() {
    document.querySelectorAll(".svc-sortable table").forEach(function (table) {
      if (table.getAttribute("data-sortable") === "true" || !table.tHead || !table.tBodies[0]) {
        return;
      }
      table.setAttribute("data-sortable", "true");
      Array.from(table.tHead.rows[0].cells).forEach(function (header, column) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "svc-sort";
        button.title = "Sort by this column";
        while (header.firstChild) button.appendChild(header.firstChild);
        header.appendChild(button);
        button.addEventListener("click", function () {
          sortBy(table, header, column);
        });
      });
    });
  }

  window.svcTables = { setUp: setUp };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
  window.addEventListener("encryptcontent_event", setUp);
})();
