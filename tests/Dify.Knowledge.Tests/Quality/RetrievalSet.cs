namespace Dify.Knowledge.Tests.Quality;

/// <summary>
/// A small labelled set written for this test: 32 short help-desk documents and 36 questions, each with the documents
/// that answer it. Questions paraphrase rather than quote (other word forms, other word order, some synonyms), so
/// neither keyword nor hashed-vector search gets them all.
/// </summary>
internal static class RetrievalSet
{
    public static readonly (string Id, string Text)[] Documents =
    [
        ("password-reset", "To reset your password, open the account portal and choose Forgot password. A reset link is emailed to you and expires after 30 minutes."),
        ("mfa-setup", "Multi-factor authentication is required for all staff. Install the authenticator app, scan the QR code in the security settings, and confirm with a six-digit code."),
        ("vpn-connect", "The VPN client connects you to the office network from home. Start the client, sign in with your company account, and pick the nearest gateway."),
        ("wifi-guest", "Visitors can use the guest Wi-Fi network. The guest password changes every Monday and is printed at the reception desk."),
        ("printer-jam", "If the printer jams, open the front tray, remove the stuck paper gently, and close the tray. Never pull paper from the output slot."),
        ("laptop-request", "New laptops are requested through the IT service catalogue. Approval from your manager is needed, and delivery takes about five working days."),
        ("expense-claims", "Submit expense claims within 60 days with scanned receipts attached. Claims are reimbursed with the next monthly payroll."),
        ("travel-booking", "Business travel must be booked through the travel portal. Flights over six hours may be booked in premium economy."),
        ("annual-leave", "Full-time employees receive 25 days of annual leave per year. Unused vacation days can be carried over until the end of March."),
        ("sick-leave", "If you are ill, tell your manager before 10 am. A doctor's note is required for absences longer than three days."),
        ("parental-leave", "Parents are entitled to 16 weeks of paid parental leave, which can be taken within the first year after birth or adoption."),
        ("remote-work", "Employees may work from home up to three days a week, agreed with their team. Core hours are 10 am to 3 pm."),
        ("payslip-access", "Payslips are available in the HR portal under Documents. You can download them as PDF files for the last seven years."),
        ("pension-plan", "The company pension plan matches contributions up to 5 percent of salary. Enrolment is automatic after the probation period."),
        ("onboarding-first-day", "On your first day, collect your badge at reception at 9 am. Your buddy will show you the office and help you set up your laptop."),
        ("badge-lost", "Report a lost access badge to security immediately. A replacement badge costs 15 euros and is ready the next working day."),
        ("meeting-rooms", "Meeting rooms are booked in the calendar by adding the room as a guest. Large rooms need approval for bookings longer than four hours."),
        ("parking", "Staff parking is in the underground garage. Electric vehicle chargers are on level -1 and must be freed after charging."),
        ("canteen", "The canteen serves lunch from 11:30 to 14:00. Vegetarian and vegan dishes are available every day, and you pay with your badge."),
        ("fire-drill", "During a fire alarm, leave by the nearest staircase, do not use the lifts, and gather at the assembly point in the car park."),
        ("first-aid", "First aid kits are next to every kitchen. Trained first aiders wear a green lanyard and are listed on the intranet."),
        ("software-install", "Only approved software may be installed. Request new applications through the software centre; admin rights are not granted."),
        ("backup-files", "Save your work on the shared drive, which is backed up every night. Files deleted by mistake can be restored for 30 days."),
        ("phishing", "Phishing emails try to steal your credentials. Do not click suspicious links; use the Report button in the mail client instead."),
        ("data-classification", "Documents are classified as public, internal, confidential or secret. Confidential files must be encrypted before sharing externally."),
        ("performance-review", "Performance reviews take place twice a year, in June and December. Goals are set together with your manager in the HR portal."),
        ("training-budget", "Each employee has a yearly training budget of 1500 euros for courses, conferences and certifications approved by the manager."),
        ("referral-bonus", "Refer a friend for an open position and receive a bonus of 2000 euros after they pass their probation period."),
        ("office-hours", "The office building is open from 7 am to 8 pm on weekdays. Weekend access requires a request to facilities."),
        ("desk-booking", "Hot desks are reserved in the desk booking app up to two weeks ahead. Clean your desk at the end of the day."),
        ("mobile-phone", "Company mobile phones are provided to staff on call. Personal use is allowed, but international roaming must be approved."),
        ("resignation", "To resign, send a written notice to your manager and HR. The notice period is one month during probation and three months afterwards."),
    ];

    public static readonly (string Query, string[] Relevant)[] Queries =
    [
        ("I forgot my password, how can I get a new one?", ["password-reset"]),
        ("how do I set up two-factor login with the authenticator", ["mfa-setup"]),
        ("connecting to the company network while working from home", ["vpn-connect", "remote-work"]),
        ("what is the wifi password for visitors", ["wifi-guest"]),
        ("paper stuck in the printer", ["printer-jam"]),
        ("how long does it take to get a new laptop", ["laptop-request"]),
        ("when are expenses reimbursed and what receipts do I need", ["expense-claims"]),
        ("can I fly premium economy on long business trips", ["travel-booking"]),
        ("how many vacation days do I get and can I carry them over", ["annual-leave"]),
        ("do I need a doctor's note when I am sick", ["sick-leave"]),
        ("paid leave after adopting a child", ["parental-leave"]),
        ("how many days a week can I work from home", ["remote-work"]),
        ("where can I download my payslips", ["payslip-access"]),
        ("does the company match pension contributions", ["pension-plan"]),
        ("what happens on my first day at the office", ["onboarding-first-day"]),
        ("I lost my access badge", ["badge-lost"]),
        ("how to book a meeting room", ["meeting-rooms"]),
        ("where can I charge my electric car", ["parking"]),
        ("what time is lunch served in the canteen", ["canteen"]),
        ("what to do when the fire alarm goes off", ["fire-drill"]),
        ("how do I install a new application on my computer", ["software-install"]),
        ("restore a file I deleted by accident", ["backup-files"]),
        ("how should I report a suspicious phishing email", ["phishing"]),
        ("training budget for conferences and certifications", ["training-budget"]),
        // Harder: other word forms, synonyms, little or no shared vocabulary.
        ("my credentials stopped working and I cannot sign in", ["password-reset"]),
        ("holiday allowance", ["annual-leave"]),
        ("maternity leave", ["parental-leave"]),
        ("who helps if someone gets injured", ["first-aid"]),
        ("can I use my work phone abroad", ["mobile-phone"]),
        ("quitting my job, how much notice", ["resignation"]),
        ("salary slip", ["payslip-access"]),
        ("encrypting documents before sending them outside the company", ["data-classification"]),
        ("reserving a desk for next week", ["desk-booking"]),
        ("recommending a candidate for a job opening", ["referral-bonus"]),
        ("is the building open on saturday", ["office-hours"]),
        ("appraisal schedule", ["performance-review"]),
    ];
}
