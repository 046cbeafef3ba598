; amplify.scm -- tree-sitter query (for tree-sitter-typescript 0.23) that recognizes the surface of the
; Amplify Gen 2 data-schema DSL in resource.ts and schema.sql.ts. It is syntax only: it matches `a.X(...)`
; by shape, so an aliased import of `a` or a value computed elsewhere is not seen. The schemals server
; does the real work (its evaluator follows imports, consts and spreads); this query is for editors and
; tools that want the same landmarks without the server: outlines, folding, extra highlighting.
; Predicates used: #eq?, #any-of? (supported by Neovim, Helix, Zed and the tree-sitter library).
; Every capture is listed in grammar/README.md.

; a.schema({ ... }) / configure({...}).schema({ ... }): the object of top-level types.
(call_expression
  function: (member_expression
    property: (property_identifier) @_schema)
  arguments: (arguments . (object) @amplify.schema)
  (#eq? @_schema "schema"))

; Name: a.model(...) / a.customType(...) / a.enum(...) / a.query() / a.mutation() / a.subscription()
; (also with modifiers chained after them, e.g. a.model({...}).authorization(...)).
(call_expression
  function: (member_expression
    object: (identifier) @_a
    property: (property_identifier) @amplify.type.kind)
  (#eq? @_a "a")
  (#any-of? @amplify.type.kind
    "model" "customType" "enum" "query" "mutation" "subscription" "conversation" "generation")) @amplify.type

; The name of each top-level type: `Name: a.model(...)` and `"name": a.model(...).identifier([...])`
; (up to three chained modifiers).
(pair
  key: [(property_identifier) (string (string_fragment))] @amplify.type.name
  value: [
    (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_kind))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_kind))))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_kind))))))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_kind))))))))
  ]
  (#eq? @_a "a")
  (#any-of? @_kind "model" "customType" "enum" "query" "mutation" "subscription" "conversation" "generation"))

; field: a.string() / a.integer() / ... : the scalar factory (modifiers may follow).
(call_expression
  function: (member_expression
    object: (identifier) @_a
    property: (property_identifier) @amplify.field.type)
  (#eq? @_a "a")
  (#any-of? @amplify.field.type
    "id" "string" "integer" "float" "boolean" "date" "time" "datetime" "timestamp"
    "email" "json" "phone" "url" "ipAddress"))

; The name of each scalar field: `content: a.string()`, `"id": a.integer().default()` (up to three
; chained modifiers).
(pair
  key: [(property_identifier) (string (string_fragment))] @amplify.field.name
  value: [
    (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_type))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_type))))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_type))))))
    (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (call_expression function: (member_expression object: (identifier) @_a property: (property_identifier) @_type))))))))
  ]
  (#eq? @_a "a")
  (#any-of? @_type
    "id" "string" "integer" "float" "boolean" "date" "time" "datetime" "timestamp"
    "email" "json" "phone" "url" "ipAddress"))

; a.ref('Type'): the referenced type's name.
(call_expression
  function: (member_expression
    object: (identifier) @_a
    property: (property_identifier) @_ref)
  arguments: (arguments . (string (string_fragment) @amplify.ref.target))
  (#eq? @_a "a")
  (#eq? @_ref "ref"))

; a.hasOne('Model', 'fk') / a.hasMany(...) / a.belongsTo(...): the related model and the reference fields.
(call_expression
  function: (member_expression
    object: (identifier) @_a
    property: (property_identifier) @amplify.relationship.kind)
  arguments: (arguments
    . (string (string_fragment) @amplify.relationship.target)
    (_)? @amplify.relationship.references)
  (#eq? @_a "a")
  (#any-of? @amplify.relationship.kind "hasOne" "hasMany" "belongsTo"))

; a.handler.inlineSql(`SELECT ...`): the SQL string (quotes or backticks included).
(call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments . [(template_string) (string)] @amplify.sql.inline)
  (#eq? @_method "inlineSql"))

; a.handler.sqlReference('./file.sql'): the path.
(call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments . (string (string_fragment) @amplify.sql.reference))
  (#eq? @_method "sqlReference"))

; allow.owner() / allow.ownerDefinedIn('field') / allow.groups([...]) / ...: the rule's strategy.
(call_expression
  function: (member_expression
    object: (identifier) @_allow
    property: (property_identifier) @amplify.auth.strategy)
  (#eq? @_allow "allow"))

; allow.ownerDefinedIn('owner') / allow.groupDefinedIn('group') / allow.ownersDefinedIn(...) / ...:
; the field that holds the owner or group.
(call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments . (string (string_fragment) @amplify.auth.field))
  (#any-of? @_method "ownerDefinedIn" "ownersDefinedIn" "groupDefinedIn" "groupsDefinedIn" "identityClaim"))

; models.Note in setAuthorization / setRelationships callbacks: the model referred to.
(member_expression
  object: (identifier) @_models
  property: (property_identifier) @amplify.model.reference
  (#eq? @_models "models"))

; .renameModels(() => [['from', 'To'], ...]): each pair of names.
(call_expression
  function: (member_expression
    property: (property_identifier) @_method)
  arguments: (arguments
    (arrow_function
      body: (array
        (array . (string (string_fragment) @amplify.rename.from) . (string (string_fragment) @amplify.rename.to)))))
  (#eq? @_method "renameModels"))

; secret('SQL_CONNECTION_STRING') in the configure block: the secret's name.
(call_expression
  function: (identifier) @_secret
  arguments: (arguments . (string (string_fragment) @amplify.secret))
  (#eq? @_secret "secret"))

; configure({ database: { engine: 'postgresql', ... } }): the engine.
(pair
  key: (property_identifier) @_engine
  value: (string (string_fragment) @amplify.engine)
  (#eq? @_engine "engine"))
