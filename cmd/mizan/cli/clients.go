package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"mizan/storage"
)

func init() {
	readOnlyCommands["clients list"] = true // it only reads: it works beside an open Mizan
	Register(Command{
		Name:    "clients list",
		Args:    "[--search TEXT] [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "List the clients, or those whose name, phone or email matches",
		Help: `A phone is matched in any written form: 0501234567, 966501234567 and +966 50 123 4567 find the
same client. Clients of one name are told apart by their phone and email.`,
		Run: runClientsList,
	})
	Register(Command{
		Name:    "clients add",
		Args:    "--name NAME [--phone PHONE] [--email EMAIL]",
		Summary: "Add a client; one with a phone or email another client has is refused",
		Run:     runClientsAdd,
	})
}

type clientRowJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

func runClientsList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("clients list", flag.ContinueOnError)
	search := fs.String("search", "", "only clients whose name, phone or email matches `TEXT`")
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, o.check)
	if err != nil {
		return err
	}
	clients, err := db.SearchClients(ctx, *search, 0)
	if err != nil {
		return fmt.Errorf("read clients: %w", err)
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := make([]clientRowJSON, 0, len(clients))
			for _, c := range clients {
				out = append(out, clientRowJSON{ID: c.ID, Name: c.Name, Phone: c.Phone, Email: c.Email})
			}
			return writeJSON(w, out)
		case "csv":
			rows := make([][]string, 0, len(clients))
			for _, c := range clients {
				rows = append(rows, []string{fmt.Sprint(c.ID), c.Name, c.Phone, c.Email})
			}
			return writeCSV(w, o.bom, []string{"id", "name", "phone", "email"}, rows)
		}
		if len(clients) == 0 {
			_, err := fmt.Fprintln(w, "No clients match.")
			return err
		}
		t := newTable(w, "NAME", "PHONE", "EMAIL")
		for _, c := range clients {
			t.row(c.Name, c.Phone, c.Email)
		}
		return t.flush()
	})
}

func runClientsAdd(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("clients add", flag.ContinueOnError)
	name := fs.String("name", "", "the client's `NAME`")
	phone := fs.String("phone", "", "the client's `PHONE`")
	email := fs.String("email", "", "the client's `EMAIL`")
	db, err := flagsThenBooks(ctx, env, fs, args)
	if err != nil {
		return err
	}
	var c storage.Client
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		c, err = tx.AddClient(storage.Client{Name: *name, Phone: *phone, Email: *email})
		return err
	})
	if err != nil {
		return fmt.Errorf("%s%w", fieldFlag(err), err)
	}
	fmt.Fprintf(env.Stdout, "Added client %s.\n", cleanCell(c.Name))
	return nil
}
