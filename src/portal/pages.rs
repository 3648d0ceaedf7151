//! The portal's pages around the record: the frame every page shares, the
//! sign-in and password forms. Server-rendered HTML without scripts,
//! readable on a phone; maud escapes every value.

use crate::ops::portal::Section;
use maud::{DOCTYPE, Markup, html};

/// The style sheet every page links (served at /style.css, so the CSP
/// needs no inline style).
pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fafafa;line-height:1.45}
header{background:#0b4f6c;color:#fff;padding:.6rem 1rem}
header a{color:#fff}
main{max-width:46rem;margin:0 auto;padding:1rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
nav a{display:inline-block;padding:.3rem .6rem;border:1px solid #0b4f6c;border-radius:.3rem;text-decoration:none;color:#0b4f6c;background:#fff}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.3rem;border-bottom:1px solid #ddd;vertical-align:top}
label{display:block;margin:.6rem 0 .2rem}
input[type=text],input[type=password]{width:100%;max-width:22rem;padding:.5rem;font-size:1rem}
button{margin-top:.8rem;padding:.5rem 1rem;font-size:1rem}
.error{background:#fde8e8;border:1px solid #b91c1c;padding:.5rem}
.note{background:#eef6fb;border:1px solid #0b4f6c;padding:.5rem}
.flag{font-weight:bold}
.signout{display:inline;margin-left:1rem}
.signout button{margin:0;padding:.2rem .6rem;font-size:.9rem}
@media (max-width:30rem){th,td{font-size:.9rem}}";

/// What the frame needs of a signed-in patient: the CSRF token of the
/// sign-out form.
pub struct SignedIn<'a> {
    pub csrf: &'a str,
}

/// A whole page: `title`, the hospital's name, the sections' menu and the
/// sign-out button when signed in, and `body`.
pub fn page(hospital: &str, title: &str, signed_in: Option<SignedIn>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " — " (hospital) }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    strong { (hospital) } " · patient portal"
                    @if let Some(s) = &signed_in {
                        form.signout method="post" action="/signout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" id="sign-out" { "Sign out" }
                        }
                    }
                }
                main {
                    @if signed_in.is_some() {
                        nav {
                            ul {
                                li { a href="/record" { "My record" } }
                                @for s in Section::ALL {
                                    li { a href={ "/record/" (s.slug()) } { (s.label()) } }
                                }
                                li { a href="/password" { "Change password" } }
                            }
                        }
                    }
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The sign-in form, with a message when the last try failed.
pub fn sign_in(hospital: &str, csrf: &str, message: Option<&str>) -> Markup {
    page(
        hospital,
        "Sign in",
        None,
        html! {
            @if let Some(m) = message { p.error role="alert" { (m) } }
            p { "Sign in with the user name and password the hospital gave you." }
            form method="post" action="/signin" {
                input type="hidden" name="csrf" value=(csrf);
                label for="user_name" { "User name" }
                input type="text" id="user_name" name="user_name" autocomplete="username"
                    autocapitalize="none" required;
                label for="password" { "Password" }
                input type="password" id="password" name="password"
                    autocomplete="current-password" required;
                button type="submit" id="sign-in" { "Sign in" }
            }
        },
    )
}

/// The form to choose a new password; `forced` at the first sign-in.
pub fn password(
    hospital: &str,
    csrf: &str,
    forced: bool,
    message: Option<&str>,
    done: bool,
) -> Markup {
    page(
        hospital,
        "Change your password",
        Some(SignedIn { csrf }),
        html! {
            @if forced {
                p.note { "The hospital set your password: choose your own before your record opens." }
            }
            @if done { p.note role="status" { "Your password was changed." } }
            @if let Some(m) = message { p.error role="alert" { (m) } }
            form method="post" action="/password" {
                input type="hidden" name="csrf" value=(csrf);
                label for="new_password" { "New password" }
                input type="password" id="new_password" name="new_password"
                    autocomplete="new-password" required;
                label for="confirm" { "New password again" }
                input type="password" id="confirm" name="confirm"
                    autocomplete="new-password" required;
                button type="submit" id="change-password" { "Change password" }
            }
        },
    )
}

/// A page saying only `message` (an error, a refusal).
pub fn message(hospital: &str, title: &str, csrf: Option<&str>, message: &str) -> Markup {
    page(
        hospital,
        title,
        csrf.map(|csrf| SignedIn { csrf }),
        html! { p.error role="alert" { (message) } },
    )
}
