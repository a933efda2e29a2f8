"""The `.gw` frontend: text -> lark tree -> surface AST -> bound blocks -> GatewayModel."""
