//! The appointments commands in the real binary: set-up by an admin,
//! booking (with its refusals), the day's list and the reminder-call export.

mod common;

use common::cli::{ok, refused};

#[test]
fn an_admin_sets_up_books_lists_and_exports_the_reminder_list() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let admin = ["--as", "admin"];
    fn with<'a>(args: &[&'a str], admin: &[&'a str]) -> Vec<&'a str> {
        [args, admin].concat()
    }
    ok(
        data,
        &[
            "init", "--code", "TST", "--name", "Test", "--admin", "admin",
        ],
        1,
    );
    ok(
        data,
        &with(
            &[
                "users",
                "add",
                "--user",
                "rahman",
                "--role",
                "doctor",
                "--full-name",
                "Dr. Aisha Rahman",
            ],
            &admin,
        ),
        2,
    );
    ok(
        data,
        &with(
            &[
                "appointments",
                "set-hours",
                "--clinician",
                "rahman",
                "--day",
                "wed",
                "--ranges",
                "08:00-12:00, 13:00-17:00",
            ],
            &admin,
        ),
        1,
    );
    let hours = ok(
        data,
        &with(&["appointments", "hours", "--clinician", "rahman"], &admin),
        1,
    );
    assert!(
        hours.contains("wed  08:00-12:00, 13:00-17:00") && hours.contains("mon  not working"),
        "{hours}"
    );
    let types = ok(data, &with(&["appointments", "types"], &admin), 1);
    assert!(
        types.contains("consultation") && types.contains("15 min"),
        "{types}"
    );
    ok(
        data,
        &with(
            &[
                "appointments",
                "add-type",
                "--name",
                "ultrasound",
                "--minutes",
                "20",
            ],
            &admin,
        ),
        1,
    );

    let csv = dir.path().join("patients.csv");
    std::fs::write(&csv, "given_name,family_name,birth_date,sex,phone\nAmina,Okafor,1980-01-01,F,0712 345 678\nBao,Tran,1990-02-02,M,\n").unwrap();
    ok(
        data,
        &with(&["import", "patients", csv.to_str().unwrap()], &admin),
        1,
    );

    // A Wednesday two to three weeks ahead of the real date (the binary
    // books by the real clock): ahead of today, within the booking horizon.
    let wednesday = {
        use chrono::Datelike;
        let mut d = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
        while d.weekday() != chrono::Weekday::Wed {
            d = d.succ_opt().unwrap();
        }
        d.to_string()
    };
    let wednesday = wednesday.as_str();
    let booked = ok(
        data,
        &with(
            &[
                "appointments",
                "book",
                "--patient",
                "1",
                "--clinician",
                "rahman",
                "--type",
                "ultrasound",
                "--date",
                wednesday,
                "--time",
                "09:00",
                "--notes",
                "bring the referral",
            ],
            &admin,
        ),
        1,
    );
    assert!(
        booked.contains("Booked Amina Okafor") && booked.contains("09:00–09:20 ultrasound"),
        "{booked}"
    );
    let e = refused(
        data,
        &with(
            &[
                "appointments",
                "book",
                "--patient",
                "2",
                "--clinician",
                "rahman",
                "--type",
                "consultation",
                "--date",
                wednesday,
                "--time",
                "09:10",
            ],
            &admin,
        ),
    );
    assert!(e.contains("is already booked then: Amina Okafor"), "{e}");
    let e = refused(
        data,
        &with(
            &[
                "appointments",
                "book",
                "--patient",
                "2",
                "--clinician",
                "rahman",
                "--type",
                "consultation",
                "--date",
                wednesday,
                "--time",
                "12:30",
            ],
            &admin,
        ),
    );
    assert!(
        e.contains("outside Dr. Aisha Rahman's working hours") && e.contains("--outside-hours"),
        "{e}"
    );
    let next = ok(
        data,
        &with(
            &[
                "appointments",
                "book",
                "--patient",
                "2",
                "--clinician",
                "rahman",
                "--type",
                "consultation",
                "--date",
                wednesday,
                "--time",
                "next",
            ],
            &admin,
        ),
        1,
    );
    assert!(
        next.contains("Bao Tran") && next.contains("08:00–08:15"),
        "{next}"
    );

    let list = ok(
        data,
        &with(&["appointments", "list", "--date", wednesday], &admin),
        1,
    );
    assert!(
        list.contains("08:00–08:15") && list.contains("09:00–09:20"),
        "{list}"
    );
    let export = ok(
        data,
        &with(
            &[
                "export",
                "appointments",
                "--date",
                wednesday,
                "--format",
                "csv",
            ],
            &admin,
        ),
        1,
    );
    let lines: Vec<&str> = export.lines().collect();
    assert_eq!(
        lines[0],
        "date,start,end,mrn,patient,phone,clinician,type,status,notes"
    );
    assert!(
        lines[1].starts_with(&format!("{wednesday},08:00,08:15,TST-000002-")),
        "{export}"
    );
    assert!(
        lines[2].ends_with(
            "Amina Okafor,0712 345 678,Dr. Aisha Rahman,ultrasound,scheduled,bring the referral"
        ),
        "{export}"
    );
    assert_eq!(lines.len(), 3);
    let e = refused(
        data,
        &with(
            &[
                "export",
                "appointments",
                "--date",
                "tomorrow",
                "--format",
                "csv",
            ],
            &admin,
        ),
    );
    assert!(e.contains("is not a date"), "{e}");
}
