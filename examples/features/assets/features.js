// Clientside functions of the `features` example, used through
// `namespace = "text", function = "lower"` (Rust) and
// `ClientsideFunction("text", "lower")` (its Python twin).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    text: {
        lower: function (value) {
            return (value || '').toLowerCase();
        }
    }
});
