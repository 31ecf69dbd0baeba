/* newsetl: the tables of the Great Expectations Data Docs, drawn without bootstrap-table.
 *
 * GX's pages fill each table with `$(table).bootstrapTable({columns, data, rowAttributes, ...})`, a
 * library that no Python package ships (expectations/docs.py serves the others from pinned packages).
 * This draws the same columns and rows as a Bootstrap table, in the page's order: a click on a heading
 * sorts by it, a click on a row fires `click-row.bs.table` (GX's pages open the row's page then).
 * Method calls (`bootstrapTable('resetSearch')`, the filters) do nothing: there are no filters.
 */
(function ($) {
  "use strict";

  function cellOf(row, column) {
    var value = row[column.field];
    return value === undefined || value === null ? "" : String(value);
  }

  function sortKey(row, column) {
    var value = row[column.sortName || column.field];
    return typeof value === "number" ? value : $("<div>").html(value === undefined ? "" : String(value)).text().trim();
  }

  function draw($table, options, rows) {
    var columns = options.columns || [];
    var attributes = typeof window[options.rowAttributes] === "function" ? window[options.rowAttributes] : null;
    var $body = $("<tbody>");
    rows.forEach(function (row, index) {
      var $row = $("<tr>");
      if (attributes) {
        $.each(attributes(row, index), function (name, value) { $row.attr(name, value); });
        $row.css("cursor", "pointer");
      }
      columns.forEach(function (column) {
        $row.append($("<td>").addClass(column.align ? "text-" + column.align : "").html(cellOf(row, column)));
      });
      $row.on("click", function () { $table.trigger("click-row.bs.table", [row, $row]); });
      $body.append($row);
    });
    $table.children("tbody").remove();
    $table.append($body);
  }

  $.fn.bootstrapTable = function (options) {
    if (typeof options !== "object" || options === null) {
      return this; // a method call: nothing to do without filters
    }
    return this.each(function () {
      var $table = $(this).addClass("table table-hover");
      var rows = (options.data || []).slice();
      var $head = $("<tr>");
      (options.columns || []).forEach(function (column) {
        var $heading = $("<th>").text(column.title || column.field);
        if (column.sortable) {
          var ascending = true;
          $heading.css("cursor", "pointer").on("click", function () {
            rows.sort(function (a, b) {
              var x = sortKey(a, column), y = sortKey(b, column);
              return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
            });
            ascending = !ascending;
            draw($table, options, rows);
          });
        }
        $head.append($heading);
      });
      if (options.toolbar) {
        $(options.toolbar).empty(); // its only button clears the filters, and there are none
      }
      $table.empty().append($("<thead>").append($head));
      draw($table, options, rows);
    });
  };
})(jQuery);
