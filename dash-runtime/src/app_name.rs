//! The app's name, which names its files and Redis keys (background manager, data store):
//! set explicitly, else `DASH_APP_NAME`, else the crate that defines most callbacks, else
//! the executable's name; made safe for file names and keys.

/// The app's name from an explicit choice, `DASH_APP_NAME`, the callbacks' modules
/// (`module_path!()` of each callback) or the executable, made safe by [`sanitize`].
pub(crate) fn resolve<'a>(
    explicit: Option<&str>,
    callback_modules: impl IntoIterator<Item = &'a str>,
) -> String {
    let name = explicit
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned)
        .or_else(|| {
            std::env::var("DASH_APP_NAME")
                .ok()
                .filter(|n| !n.trim().is_empty())
        })
        .or_else(|| callbacks_crate(callback_modules))
        .unwrap_or_else(program_name);
    sanitize(&name)
}

/// [`resolve`] with every callback compiled into the program.
pub(crate) fn resolve_from_program(explicit: Option<&str>) -> String {
    resolve(
        explicit,
        inventory::iter::<crate::callback::spec::CallbackSpec>().map(|spec| spec.module),
    )
}

/// The crate that defines most of the program's callbacks (ties: the first by name); the
/// runtime's own callbacks do not count.
fn callbacks_crate<'a>(modules: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for module in modules {
        let krate = module.split("::").next().unwrap_or("");
        if !krate.is_empty() && krate != "dash_runtime" {
            *counts.entry(krate).or_default() += 1;
        }
    }
    let most = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == most)
        .map(|(krate, _)| krate.to_owned())
}

/// A name safe in a file name and a Redis key.
pub(crate) fn sanitize(name: &str) -> String {
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        "app".to_owned()
    } else {
        clean
    }
}

/// The file name of the running program (without extension): the last fallback.
pub(crate) fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "app".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_in_files_and_keys() {
        assert_eq!(sanitize("my_app"), "my_app");
        assert_eq!(sanitize(" shop/front end "), "shop_front_end");
        assert_eq!(sanitize(".."), "app");
        assert_eq!(sanitize(""), "app");
    }

    #[test]
    fn the_crate_with_most_callbacks_names_the_app() {
        let modules = ["shop::a", "shop::b", "dash_runtime::pages", "tools"];
        assert_eq!(callbacks_crate(modules).as_deref(), Some("shop"));
        assert_eq!(resolve(Some("given name"), modules), "given_name");
    }
}
