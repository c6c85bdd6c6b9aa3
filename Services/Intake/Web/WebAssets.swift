import HTTPTypes
import Hummingbird

/// The site's only style sheet and script, served from intake itself (the CSP allows nothing else). The pages work
/// without the script: it adds the upload progress bar and makes the quick exit replace this page in the history.
enum WebAssets {
    static let css = """
        *,*::before,*::after{box-sizing:border-box}
        html{font-family:system-ui,"Segoe UI","Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#fff}
        body{margin:0 auto;max-width:46rem;padding:0 1rem 2rem}
        a{color:#0b3d91}
        a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:2px}
        .skip{position:absolute;inset-inline-start:-999px}
        .skip:focus{inset-inline-start:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
        header{border-block-end:1px solid #ccc;padding-block:1rem;margin-block-end:1rem}
        header ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        .brand{margin:0 0 .5rem;font-size:1.25rem}
        .brand a{font-weight:700;text-decoration:none}
        .brand span{display:block;font-size:.9rem;color:#444}
        .languages{margin-block-start:.5rem;font-size:.95rem}
        .exit{float:inline-end;background:#a4000f;color:#fff;font-weight:700;padding:.5rem .9rem;border-radius:.3rem;text-decoration:none}
        h1{font-size:1.6rem;line-height:1.25}
        h2{font-size:1.25rem}
        label,legend{display:block;font-weight:600;margin-block-start:1rem}
        .hint{color:#444;font-size:.95rem;margin:.15rem 0 .35rem}
        input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{width:100%;font:inherit;padding:.55rem;border:2px solid #555;border-radius:.25rem;background:#fff;color:#1a1a1a}
        textarea{min-height:9rem}
        fieldset{border:1px solid #bbb;border-radius:.3rem;margin-block-start:1.25rem;padding:.5rem 1rem 1rem}
        .check{display:flex;gap:.5rem;align-items:center;font-weight:600;margin-block-start:1rem}
        .check input{width:1.4rem;height:1.4rem}
        .row{display:grid;grid-template-columns:minmax(8rem,12rem) 1fr;gap:.5rem;margin-block-start:.5rem}
        a.button{display:inline-block;background:#0b3d91;color:#fff;font-weight:700;text-decoration:none;border-radius:.3rem;padding:.75rem 1.5rem}
        button{font:inherit;font-weight:700;background:#0b3d91;color:#fff;border:0;border-radius:.3rem;padding:.75rem 1.5rem;margin-block-start:1.5rem;cursor:pointer}
        .error{color:#a4000f;font-weight:600;margin:.2rem 0}
        .invalid{border-color:#a4000f!important}
        .summary{border:3px solid #a4000f;padding:.5rem 1rem;margin-block-end:1rem}
        .notice{background:#eef3fb;border-inline-start:4px solid #0b3d91;padding:.75rem 1rem}
        .urgent{background:#fff4e5;border-inline-start:4px solid #a4000f;padding:.75rem 1rem}
        .receipt{font-size:1.35rem;font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em;direction:ltr;unicode-bidi:isolate;display:inline-block;background:#f3f3f3;padding:.2rem .5rem}
        ol.timeline{padding-inline-start:1.25rem}
        ol.timeline li{margin-block:.4rem}
        progress{width:100%;height:1.25rem}
        footer{border-block-start:1px solid #ccc;margin-block-start:2rem;font-size:.9rem;color:#444}
        @media (max-width:30rem){.row{grid-template-columns:1fr}.exit{float:none;display:block;text-align:center;margin-block-end:.75rem}}

        """

    static let javascript = """
        "use strict";
        (function () {
          var exit = document.getElementById("quick-exit");
          if (exit) {
            exit.addEventListener("click", function (event) {
              event.preventDefault();
              window.location.replace(exit.href);
            });
          }
          var form = document.getElementById("report-form");
          var progress = document.getElementById("upload-progress");
          var box = document.getElementById("upload");
          if (!form || !progress || !box || !window.FormData || !window.XMLHttpRequest) { return; }
          form.addEventListener("submit", function (event) {
            var file = form.querySelector("input[type=file]");
            if (!file || !file.files || file.files.length === 0) { return; }
            event.preventDefault();
            var request = new XMLHttpRequest();
            request.open("POST", form.action);
            box.hidden = false;
            progress.value = 0;
            request.upload.addEventListener("progress", function (e) {
              if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
            });
            request.addEventListener("load", function () {
              document.open();
              document.write(request.responseText);
              document.close();
            });
            request.addEventListener("error", function () { box.hidden = true; form.submit(); });
            request.send(new FormData(form));
          });
        })();

        """

    static func add(to router: Router<some RequestContext>) {
        router.get("/static/iblagh.css") { _, _ in response(css, type: "text/css; charset=utf-8") }
        router.get("/static/iblagh.js") { _, _ in response(javascript, type: "text/javascript; charset=utf-8") }
    }

    private static func response(_ text: String, type: String) -> Response {
        var headers = WebPage.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
