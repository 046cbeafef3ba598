; extends
; schemals: the SQL inside Amplify Gen 2's a.handler.inlineSql(...) strings is SQL.
; Tree-sitter injection query for the TypeScript grammar (tree-sitter-typescript 0.23); the `extends`
; modeline adds it to any injections query the editor already has for TypeScript (nvim-treesitter's).
; Needs the `sql` parser (nvim-treesitter: `:TSInstall sql`).

; a.handler.inlineSql(`SELECT ...`): the text between the backticks, ${...} included.
((call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments
    .
    (template_string) @injection.content))
  (#eq? @_method "inlineSql")
  (#offset! @injection.content 0 1 0 -1)
  (#set! injection.include-children)
  (#set! injection.language "sql"))

; a.handler.inlineSql('SELECT ...') and "SELECT ...": the text between the quotes.
((call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments
    .
    (string
      (string_fragment) @injection.content)))
  (#eq? @_method "inlineSql")
  (#set! injection.language "sql"))
