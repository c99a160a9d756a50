package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.MailboxService;
import dev.herald.server.provisioning.MailboxService.ListRequest;
import dev.herald.server.provisioning.MailboxService.NewMailboxRequest;
import dev.herald.storage.model.Status;
import java.util.LinkedHashMap;

/** /v1/mailboxes: one POST creates a mailbox and returns its credentials; list, show, pause, resume, delete. */
public final class MailboxRoutes {
    static final int DEFAULT_PAGE = 100;

    private MailboxRoutes() {
    }

    public static void register(Router router, MailboxService mailboxes, String hostname) {
        router.add("POST", "/v1/mailboxes", req -> {
            var b = req.body().allowOnly("address", "workspace", "ttl", "password", "display_name");
            var created = mailboxes.create(req.caller(), new NewMailboxRequest(b.string("address"), b.optString("workspace"),
                    b.optString("ttl"), b.optString("password"), b.optString("display_name")));
            var view = Views.mailbox(created.mailbox());
            var credentials = new LinkedHashMap<String, Object>();
            credentials.put("username", created.mailbox().address());
            credentials.put("password", created.generatedPassword().orElse(null));
            credentials.put("host", hostname);
            view.put("credentials", credentials);
            return ApiResponse.created(view);
        });
        router.add("GET", "/v1/mailboxes", req -> {
            int limit = req.intQuery("limit", DEFAULT_PAGE);
            var page = mailboxes.list(req.caller(), new ListRequest(req.query("tenant"), req.query("workspace"),
                    req.query("domain"), req.query("after"), limit));
            return ApiResponse.ok(Views.mailboxList(page, limit));
        });
        router.add("GET", "/v1/mailboxes/{address}", req -> ApiResponse.ok(Views.mailbox(mailboxes.show(req.caller(), req.param("address")))));
        router.add("POST", "/v1/mailboxes/{address}/pause", req ->
                ApiResponse.ok(Views.mailbox(mailboxes.setStatus(req.caller(), req.param("address"), Status.PAUSED))));
        router.add("POST", "/v1/mailboxes/{address}/resume", req ->
                ApiResponse.ok(Views.mailbox(mailboxes.setStatus(req.caller(), req.param("address"), Status.ACTIVE))));
        router.add("DELETE", "/v1/mailboxes/{address}", req -> {
            mailboxes.delete(req.caller(), req.param("address"));
            return ApiResponse.noContent();
        });
    }
}
